import { globMatch } from '../bot/glob.js';
import type { Destination } from '../bot/types.js';
import type { Mute, NewOutboxItem, Store, Subscription, Topic } from '../store/store.js';
import type { Alert } from './watcher.js';

export type RouteStore = Pick<Store, 'subscriptions' | 'mutes' | 'postedRefs' | 'noteHeld'>;

export interface RouteDeps {
  store: RouteStore;
  /** ALERT_CHANNELS: destinations that get every topic when nobody subscribed explicitly. */
  defaults: readonly Destination[];
}

const sameDest = (a: Destination, b: Destination) => a.platform === b.platform && a.channelId === b.channelId;

function matches(sub: Subscription, alert: Alert): boolean {
  return Object.entries(sub.filter).every(([k, pattern]) => {
    // A tag filter needs the alert to know its DAG's tags, and one of them to match.
    if (k === 'tag') return (alert.match.tags ?? '').split(',').some((t) => t && globMatch(t, pattern));
    const v = alert.match[k];
    if (v === undefined) return true;
    return globMatch(v, pattern);
  });
}

function mutedBy(mutes: Mute[], dest: Destination, subject: string): Mute | undefined {
  return mutes.find((m) => sameDest(m.dest, dest) && globMatch(subject, m.pattern));
}

const muted = (mutes: Mute[], dest: Destination, subject: string) => mutedBy(mutes, dest, subject) !== undefined;

/**
 * Turns alerts into outbox items. New posts go to subscribed, unmuted destinations; edits and thread replies go to
 * every destination that already holds the card, muted or not, so a card never stays red after recovery.
 */
export async function routeAlerts(
  deps: RouteDeps,
  topic: Topic,
  alerts: readonly Alert[],
  now: Date,
): Promise<NewOutboxItem[]> {
  if (alerts.length === 0) return [];
  const subs = await deps.store.subscriptions({ topic });
  const mutes = await deps.store.mutes(now);
  const subscribed = subs.length > 0 ? subs : deps.defaults.map((dest) => ({ dest, filter: {} }) as Subscription);
  const items: NewOutboxItem[] = [];
  const stamp = now.getTime();
  for (const alert of alerts) {
    const targets: Destination[] = [];
    for (const s of subscribed) {
      if (matches(s, alert) && !targets.some((t) => sameDest(t, s.dest))) targets.push(s.dest);
    }
    if (alert.kind === 'open' || alert.kind === 'notice') {
      for (const dest of targets) {
        const mute = mutedBy(mutes, dest, alert.subject);
        if (mute) {
          await deps.store.noteHeld(mute.dest, mute.pattern, alert.message.title ?? alert.key);
          continue;
        }
        items.push({ key: `${alert.key}#post`, dest, kind: 'post', message: alert.message, alertKey: alert.key });
      }
      continue;
    }
    const refs = await deps.store.postedRefs(alert.key);
    const holders: Destination[] = refs.map((r) => ({ platform: r.platform, channelId: r.channelId }));
    // A card still waiting in the outbox has no ref yet: its destinations come from the subscriptions.
    for (const t of targets)
      if (!holders.some((h) => sameDest(h, t)) && !muted(mutes, t, alert.subject)) holders.push(t);
    for (const dest of holders) {
      items.push({
        key: `${alert.key}#${alert.kind}#${stamp}`,
        dest,
        kind: 'update',
        message: alert.message,
        alertKey: alert.key,
      });
      if (alert.kind === 'resolve' && alert.threadReply)
        items.push({
          key: `${alert.key}#reply#${stamp}`,
          dest,
          kind: 'reply',
          message: alert.threadReply,
          alertKey: alert.key,
        });
    }
  }
  return items;
}
