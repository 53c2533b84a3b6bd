/** Removes the leading `<@UBOT>` of an app mention, and any other mention of the bot, leaving the command line. */
export function stripMention(text: string, botUserId: string | undefined): string {
  const leading = text.replace(/^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*/, '');
  const self = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g') : undefined;
  return (self ? leading.replace(self, '') : leading).trim();
}
