// kdocs preview: reload the page when the site has been rebuilt; show a failed build's error over
// the page (which keeps showing the last good build). `kdocs serve` adds this script to every
// HTML response; the published site never contains it.
(() => {
  'use strict';
  // The event stream sits next to this script, wherever the page itself lives.
  const base = document.currentScript ? document.currentScript.src : location.origin + '/__kdocs/reload.js';
  const events = new URL('events', base).href;
  const overlayID = '__kdocs-build-error';

  function hideError() {
    const el = document.getElementById(overlayID);
    if (el) el.remove();
  }

  function showError(text) {
    hideError();
    const box = document.createElement('div');
    box.id = overlayID;
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;' +
      'background:rgba(20,20,20,.92);color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;';
    const title = document.createElement('div');
    title.textContent = 'kdocs: the build failed. This page shows the last good build; fix the error and save to rebuild.';
    title.style.cssText = 'font-weight:bold;color:#ff8a80;margin-bottom:1rem;';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Dismiss';
    close.style.cssText = 'float:right;font:inherit;cursor:pointer;';
    close.addEventListener('click', hideError);
    const pre = document.createElement('pre');
    pre.style.cssText = 'white-space:pre-wrap;margin:0;';
    pre.textContent = text; // text, never HTML: the message quotes user content
    box.append(close, title, pre);
    (document.body || document.documentElement).append(box);
  }

  let lost = false;
  const source = new EventSource(events);
  source.addEventListener('reload', () => location.reload());
  source.addEventListener('build-error', (e) => showError(e.data));
  // EventSource reconnects by itself. After the server restarted, the site may have changed.
  source.addEventListener('error', () => { lost = true; });
  source.addEventListener('open', () => {
    if (lost) location.reload();
    window.__kdocsLive = true; // tells tests (and the curious) that the page is listening
  });
  addEventListener('pagehide', () => source.close());
})();
