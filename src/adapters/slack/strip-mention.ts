/**
 * Removes the leading `<@UBOT>` of an app mention, and any other mention of the bot, leaving the command line.
 * A mention holds no `<` (Slack sends it as &lt;): stopping there keeps text full of unclosed mentions linear.
 */
export function stripMention(text: string, botUserId: string | undefined): string {
  const leading = text.replace(/^\s*<@[A-Z0-9]+(?:\|[^<>]*)?>[\s,:]*/, '');
  const self = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^<>]*)?>`, 'g') : undefined;
  return (self ? leading.replace(self, '') : leading).trim();
}
