// A single-page app: every page renders in the browser from live API and socket.io data, and
// the adapter-node handler serves the same shell for every path (see svelte.config.js).
export const ssr = false;
export const prerender = false;
