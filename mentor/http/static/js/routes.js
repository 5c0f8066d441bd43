// The console's hash routes. A new view is a <section class="view" id="view-..."> in index.html and a module
// that calls addRoute(/^#\/name$/, open); app.js imports that module and shows views by their section id.

/** [hash pattern, open(...groups)], in the order added; the first match wins, else the session list. */
export const ROUTES = [];

export function addRoute(pattern, open) { ROUTES.push([pattern, open]); }
