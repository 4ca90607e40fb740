#!/usr/bin/python3
"""Browser check of a report folder: load every .html page in headless Chromium at 1280 px and
fail on what a reader would hit.

Usage: check_pages.py [--expect] REPORT_DIR SHOT_DIR

Each page is loaded at a 1280 x 800 viewport (device scale 1).  A page fails when
  - overflow: the page scrolls sideways, or an element sticks out of the right edge without a
    scroll container (an ancestor with overflow-x auto, scroll or hidden) around it;
  - key-scroll: a compact table of the main numbers (table.key) is wider than its box, so some
    of its columns hide behind a sideways scroll;
  - svg-text: a text of an inline SVG renders under 9 px (computed font size times the scale of
    the SVG on screen, rotations included);
  - findings: an analysis page (REPORT_DIR/ID/index.html) has no findings block (.findings), or
    the block does not start within the first viewport;
  - lead: a lead plot of an analysis page (an svg inside div.lead: the plots a summary page
    opens with) is not wholly inside the first viewport;
  - link: a[href], img[src], object[data], embed[src], link[href] or script[src] is broken: a
    relative file that does not exist, a fragment with no such id, an empty or "#" target, or
    an external link that is not a well-formed http(s) URL (external links are checked for
    form only, never fetched).
Screenshots go to SHOT_DIR: NAME.png (the first viewport) and NAME-full.png (the page, at most
16000 px tall), NAME being the page path with '/' as '_'.
Exit 0 when every page passes, 1 when one fails (each problem on its own line), 2 on usage or
browser trouble.  --expect tests the check itself (tests/browser/pages/): a page with
<meta name="check-expect" content="KIND"/> must fail with problems of that kind only, any
other page must pass; exit 0 when all do.
"""
import base64
import os
import sys
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WIDTH, HEIGHT = 1280, 800
MIN_TEXT_PX = 9.0
MAX_SHOT = 16000

# Run in the page: every problem as [kind, message].
PAGE_JS = r"""
const W = document.documentElement.clientWidth, problems = [];
const sw = document.documentElement.scrollWidth;
if (sw > W + 1) problems.push(['overflow', 'the page is ' + sw + ' px wide, the viewport ' + W]);
function scrolls(el) {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
    }
    return false;
}
let nover = 0;
for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > W + 1 && !scrolls(el) && nover++ < 5) {
        const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
            (el.className && typeof el.className === 'string' ? '.' + el.className : '');
        problems.push(['overflow', what + ' ends at x = ' + Math.round(r.right) +
                       ' px, outside a scroll container']);
    }
}
for (const t of document.querySelectorAll('table.key')) {
    const box = t.parentElement;
    if (box && box.scrollWidth > box.clientWidth + 1)
        problems.push(['key-scroll', 'the main-numbers table is ' + box.scrollWidth +
                       ' px wide in a ' + box.clientWidth + ' px box: columns hidden']);
}
let nsmall = 0, smallest = Infinity, example = '';
for (const t of document.querySelectorAll('svg text, svg tspan')) {
    if (t.tagName.toLowerCase() === 'text' && t.querySelector('tspan')) continue;
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; /* not rendered (closed <details>) */
    const m = t.getScreenCTM();
    if (!m) continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(m.a * m.a + m.b * m.b);
    if (px < MIN - 1e-6) {
        nsmall++;
        if (px < smallest) { smallest = px; example = t.textContent.trim().slice(0, 40); }
    }
}
if (nsmall) problems.push(['svg-text', nsmall + ' SVG texts render under ' + MIN +
                           ' px (smallest ' + smallest.toFixed(1) + ' px: "' + example + '")']);
if (NEED_FINDINGS) {
    const f = document.querySelector('.findings');
    if (!f) problems.push(['findings', 'no findings block (.findings)']);
    else {
        const r = f.getBoundingClientRect();
        if (r.top < 0 || r.top + Math.min(r.height, 40) > window.innerHeight)
            problems.push(['findings', 'the findings block starts at y = ' + Math.round(r.top) +
                           ' px, outside the first viewport (' + window.innerHeight + ' px)']);
    }
}
if (NEED_FINDINGS) {
    for (const svg of document.querySelectorAll('.lead svg')) {
        const r = svg.getBoundingClientRect(), t = svg.querySelector('title');
        if (r.top < 0 || r.bottom > window.innerHeight + 0.5 || r.right > W + 0.5)
            problems.push(['lead', 'the lead plot "' + (t ? t.textContent : 'svg') +
                           '" spans y = ' + Math.round(r.top) + ' to ' + Math.round(r.bottom) +
                           ' px, x to ' + Math.round(r.right) + ' px: not wholly in the first ' +
                           'viewport (' + W + ' x ' + window.innerHeight + ' px)']);
    }
}
const links = [];
for (const [sel, attr] of [['a[href]', 'href'], ['img[src]', 'src'], ['object[data]', 'data'],
                           ['embed[src]', 'src'], ['link[href]', 'href'],
                           ['script[src]', 'src']])
    for (const el of document.querySelectorAll(sel)) links.push(el.getAttribute(attr));
const ids = Array.from(document.querySelectorAll('[id]'), e => e.id);
const ex = document.querySelector('meta[name="check-expect"]');
return [problems, links, ids, document.documentElement.scrollHeight,
        ex ? ex.getAttribute('content') : null];
"""


def link_problem(page, target, ids):
    """Why the link target on page is broken, or None."""
    t = target.strip()
    if t in ('', '#'):
        return 'empty link target %r' % target
    u = urllib.parse.urlsplit(t)
    if u.scheme in ('http', 'https'):
        host = u.hostname or ''
        if '.' not in host or ' ' in t or not all(
                c.isalnum() or c in '.-' for c in host):
            return 'malformed URL %r' % target
        if host == 'doi.org' and not u.path.startswith('/10.'):
            return 'malformed DOI link %r' % target
        return None
    if u.scheme == 'data':
        return None
    if u.scheme or u.netloc:
        return 'unsupported link %r' % target
    if not u.path:
        return None if u.fragment in ids else 'no element with id %r' % u.fragment
    path = os.path.normpath(os.path.join(os.path.dirname(page),
                                         urllib.parse.unquote(u.path)))
    return None if os.path.exists(path) else 'missing file %r' % target


def main(argv):
    expect = False
    if argv and argv[0] == '--expect':
        expect, argv = True, argv[1:]
    if len(argv) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    root, shots = os.path.abspath(argv[0]), argv[1]
    pages = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                   if f.endswith('.html'))
    if not pages:
        print('check_pages: no .html page under %s' % root, file=sys.stderr)
        return 2
    os.makedirs(shots, exist_ok=True)
    opts = Options()
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
              '--hide-scrollbars', '--force-device-scale-factor=1',
              '--window-size=%d,%d' % (WIDTH, HEIGHT), '--allow-file-access-from-files'):
        opts.add_argument(a)
    if os.path.exists('/usr/bin/chromium'):
        opts.binary_location = '/usr/bin/chromium'
    driver_path = '/usr/bin/chromedriver'
    try:
        drv = webdriver.Chrome(service=Service(driver_path) if os.path.exists(driver_path)
                               else Service(), options=opts)
    except Exception as e:  # noqa: BLE001 - any start-up failure is the same verdict
        print('check_pages: cannot start headless Chromium: %s' % str(e).splitlines()[0],
              file=sys.stderr)
        return 2
    failed = 0
    try:
        drv.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                            {'width': WIDTH, 'height': HEIGHT, 'deviceScaleFactor': 1,
                             'mobile': False})
        for page in pages:
            rel = os.path.relpath(page, root)
            need = os.path.basename(page) == 'index.html' and os.sep in rel and \
                rel.count(os.sep) == 1
            drv.get('file://' + urllib.parse.quote(page))
            js = PAGE_JS.replace('MIN', repr(MIN_TEXT_PX)).replace(
                'NEED_FINDINGS', 'true' if need else 'false')
            problems, links, ids, height, want = drv.execute_script(js)
            for target in links:
                why = link_problem(page, target, ids)
                if why:
                    problems.append(['link', why])
            name = rel.replace(os.sep, '_')[:-5]
            drv.save_screenshot(os.path.join(shots, name + '.png'))
            full = drv.execute_cdp_cmd('Page.captureScreenshot', {
                'format': 'png', 'captureBeyondViewport': True,
                'clip': {'x': 0, 'y': 0, 'width': WIDTH,
                         'height': min(max(height, HEIGHT), MAX_SHOT), 'scale': 1}})
            with open(os.path.join(shots, name + '-full.png'), 'wb') as fp:
                fp.write(base64.b64decode(full['data']))
            drv.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                                {'width': WIDTH, 'height': HEIGHT, 'deviceScaleFactor': 1,
                                 'mobile': False})
            if expect:
                kinds = sorted(set(k for k, _ in problems))
                if kinds != ([want] if want else []):
                    failed += 1
                    print('%s: expected %s, found %s' % (rel, want or 'no problem',
                                                         ', '.join(kinds) or 'no problem'))
                    for kind, msg in problems:
                        print('%s: %s: %s' % (rel, kind, msg))
            elif problems:
                failed += 1
                for kind, msg in problems:
                    print('%s: %s: %s' % (rel, kind, msg))
    finally:
        drv.quit()
    if expect:
        print('browser: the check itself: %d of %d pages %s' % (
            len(pages) - failed, len(pages), 'judged as expected' if not failed else
            'judged as expected; %d not' % failed))
    else:
        print('browser: %d pages at %d px, %d passed, %d failed; screenshots in %s'
              % (len(pages), WIDTH, len(pages) - failed, failed, shots))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
