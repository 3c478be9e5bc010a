// The one way retell-kit writes an HTML page (report, graph): escaped text, and a head whose
// Content-Security-Policy forbids loading anything, so the page opens the same offline, from a CI
// artifact or an email.

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** `<!doctype html>` through `<body>`: charset, viewport, the no-loading CSP, generator, title, inline CSS. */
export function pageHead(options: { title: string; generator: string; css: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${escapeHtml(options.generator)}">
<title>${escapeHtml(options.title)}</title>
<style>${options.css}</style>
</head>
<body>`;
}
