// The import rules of docs/architecture.md, checked by `npm run lint` (depcruise src). Layers, bottom up:
// bot (the kernel) < clients, store < commands, scheduler, render < http, adapters < app < cli.ts.
// test/unit/architecture/boundaries.test.ts plants a wrong-way import per rule and expects this file to catch it.

const npmPath = (names) => `node_modules/(${names.join('|')})/`;
const NPM = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

/** Each SDK has one home: the code that speaks its protocol. Anything else reaches it through a port. */
const HOMES = [
  ['slack-sdk', ['@slack/[^/]+'], '^src/adapters/slack/'],
  ['discord-sdk', ['discord\\.js', '@discordjs/[^/]+'], '^src/adapters/discord/'],
  ['axios', ['axios'], '^src/clients/'],
  ['dockerode', ['dockerode', '@types/dockerode'], '^src/clients/docker/'],
  ['better-sqlite3', ['better-sqlite3', '@types/better-sqlite3'], '^src/store/sqlite/'],
  ['node-cron', ['node-cron'], '^src/scheduler/'],
];
/** What the kernel may use from npm: validation, durations, the logger it configures, glob and typo matching. */
const KERNEL_NPM = npmPath(['zod', 'ms', '@types/ms', 'pino', 'picomatch', '@types/picomatch', 'fastest-levenshtein']);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be read, tested or replaced without the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-imports-nothing-above-it',
      severity: 'error',
      comment:
        'src/bot is the ground floor: it declares the ports it needs (types.ts, audit-log.ts, action-refs.ts, ' +
        'clock.ts, command.ts services) and never imports the code that implements them.',
      from: { path: '^src/bot/' },
      to: { path: '^src/', pathNot: '^src/bot/' },
    },
    {
      name: 'kernel-uses-no-sdk',
      severity: 'error',
      comment: 'The kernel may use zod, ms, pino, picomatch and fastest-levenshtein from npm, and nothing else.',
      from: { path: '^src/bot/' },
      to: { dependencyTypes: NPM, pathNot: KERNEL_NPM },
    },
    {
      name: 'commands-use-ports-not-infrastructure',
      severity: 'error',
      comment: 'A verb sees clients and the store through its context; it never reaches an adapter or a renderer.',
      from: { path: '^src/commands/' },
      to: { path: ['^src/(app|adapters|http|render|scheduler)/', '^src/store/sqlite/', '^src/cli\\.ts$'] },
    },
    {
      name: 'client-and-store-are-types-to-verbs-and-scheduler',
      severity: 'error',
      comment: 'Commands and watchers see client and store interfaces; the instances come from the composition root.',
      from: { path: '^src/(commands|scheduler)/' },
      to: { path: '^src/(clients|store)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderers-see-only-the-message-model',
      severity: 'error',
      comment: 'Rendering is pure: a Message in, a platform payload out.',
      from: { path: '^src/render/' },
      to: { path: '^src/', pathNot: ['^src/render/', '^src/bot/message\\.ts$'] },
    },
    {
      name: 'renderers-use-no-npm',
      severity: 'error',
      from: { path: '^src/render/' },
      to: { dependencyTypes: NPM },
    },
    {
      name: 'clients-import-only-kernel-basics',
      severity: 'error',
      comment: 'Clients sit on the kernel errors, ids, secrets and logger type, and on nothing of ours above them.',
      from: { path: '^src/clients/' },
      to: {
        path: '^src/',
        pathNot: ['^src/clients/', '^src/bot/(errors|ids|logger|trim-trailing)\\.ts$', '^src/bot/secrets/'],
      },
    },
    {
      name: 'store-imports-only-the-kernel',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: ['^src/store/', '^src/bot/'] },
    },
    {
      name: 'store-implementations-stay-behind-the-interface',
      severity: 'error',
      comment: 'Only the store factory (src/store/open-store.ts) and the composition root name an implementation.',
      from: { path: '^src/', pathNot: ['^src/store/', '^src/app/'] },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
    {
      name: 'scheduler-reaches-chat-only-through-the-port',
      severity: 'error',
      comment: 'Watchers and the outbox post through ChatAdapter (src/bot/types.ts), never through an adapter.',
      from: { path: '^src/scheduler/' },
      to: { path: ['^src/(app|adapters|http|commands|render)/', '^src/cli\\.ts$'] },
    },
    {
      name: 'adapters-translate-and-render-only',
      severity: 'error',
      comment: 'An adapter turns platform events into invocations and messages into payloads; it holds no verb logic.',
      from: { path: '^src/adapters/' },
      to: { path: ['^src/(app|commands|scheduler|clients|store)/', '^src/http/webhooks/', '^src/cli\\.ts$'] },
    },
    {
      name: 'http-serves-below-the-app',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: ['^src/(app|adapters|commands|render|clients)/', '^src/store/', '^src/cli\\.ts$'] },
    },
    {
      name: 'only-the-app-composes',
      severity: 'error',
      comment: 'src/app is the composition root: nothing but the process entry imports it.',
      from: { pathNot: ['^src/app/', '^src/cli\\.ts$'] },
      to: { path: ['^src/app/', '^src/cli\\.ts$'] },
    },
    {
      name: 'cli-entry-only-starts-the-app',
      severity: 'error',
      comment: 'src/cli.ts maps signals and exit codes; everything else is the app.',
      from: { path: '^src/cli\\.ts$' },
      to: { path: '^src/', pathNot: '^src/app/' },
    },
    ...HOMES.map(([sdk, names, home]) => ({
      name: `${sdk}-stays-in-its-home`,
      severity: 'error',
      comment: `Only ${home} speaks to ${sdk}; the rest of the bot sees it through an interface.`,
      from: { path: '^src/', pathNot: home },
      to: { path: npmPath(names) },
    })),
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a kernel that names an upper layer's types still depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
