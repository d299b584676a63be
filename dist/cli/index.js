#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 9749:
/***/ (() => {


;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");
;// CONCATENATED MODULE: ./src/cli/compile-cache.ts
// Imported before the rest of the command line: Node keeps the compiled code of the bundle in a cache on
// disk, so that a second run skips compiling it (https://nodejs.org/api/module.html#module-compile-cache).
// Node 22.1 and later; older versions go on without it.

const withCache = external_node_module_namespaceObject;
withCache.enableCompileCache?.();


/***/ }),

/***/ 486:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _v8_flags_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(974);
/* harmony import */ var _compile_cache_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9749);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3343);
// Entry point of the command line (`cloudflare-purge`, bundled into dist/cli/index.js).



// A reader that stops early (`cloudflare-purge --help | head -1`) is no failure of the run, and no
// reason for a stack trace: what it did not read is dropped.
for (const stream of [process.stdout, process.stderr])
    stream.on('error', () => undefined);
process.exitCode = await (0,_main_js__WEBPACK_IMPORTED_MODULE_2__/* .runCli */ .ak)({
    args: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY,
    readStdin: async () => {
        let text = '';
        process.stdin.setEncoding('utf8');
        for await (const chunk of process.stdin)
            text += chunk;
        return text;
    }
});

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 3343:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  ak: () => (/* binding */ runCli)
});

// UNUSED EXPORTS: EXIT, PROGRESS_INTERVAL_VARIABLE

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
// EXTERNAL MODULE: ./src/cloudflare/proxy.ts
var proxy = __nccwpck_require__(3827);
// EXTERNAL MODULE: ./src/inputs/canonical-url.ts
var canonical_url = __nccwpck_require__(1887);
// EXTERNAL MODULE: ./src/diagnosis/catalogue.ts
var catalogue = __nccwpck_require__(5752);
// EXTERNAL MODULE: ./src/cloudflare/hostnames.ts
var hostnames = __nccwpck_require__(3977);
// EXTERNAL MODULE: ./src/inputs/list-syntax.ts
var list_syntax = __nccwpck_require__(2789);
;// CONCATENATED MODULE: ./src/inputs/changed-urls.ts
// Maps repository paths to the site URLs they are published at, and a list of changed files to the
// URLs whose cached copies are stale. Pure: the GitHub side lives in changed-files.ts.




/** The file whose folder URL serves it too: `/docs/` is `/docs/index.html`. */
const INDEX_FILE = 'index.html';
/** The options a mapping line may end with, after the URL. */
const MAPPING_OPTIONS = ['pretty-urls'];
/**
 * Parses `changed_paths`: one `folder/ => https://host/path/` per line, optionally followed by options
 * separated by spaces (`pretty-urls`); blank lines and comment lines (first non-blank character "#") are skipped.
 */
function parseChangedPaths(text) {
    const mappings = [];
    const errors = [];
    for (const line of (0,list_syntax/* contentLines */.$X)(text).map((l) => l.trim())) {
        const mapping = parseMapping(line);
        if (typeof mapping === 'string') {
            errors.push((0,catalogue/* diagnose */.h4)('bad-changed-paths', { line: (0,canonical_url/* hideUserinfo */.kc)(line), reason: mapping }));
            continue;
        }
        const same = mappings.find((m) => m.path === mapping.path && m.url === mapping.url);
        if (!same)
            mappings.push(mapping);
        else if (mapping.prettyUrls)
            same.prettyUrls = true;
    }
    return { mappings, errors };
}
/** A mapping, or the reason why the line is not one. */
function parseMapping(line) {
    const parts = line.split('=>');
    if (parts.length !== 2) {
        return parts.length === 1 ? 'has no "=>" between the folder and the URL' : 'has more than one "=>"';
    }
    const path = normalizeFolder((parts[0] ?? '').trim());
    if (typeof path !== 'string')
        return path.reason;
    // A URL has no spaces (they are written %20), so words after it are options.
    const [target = '', ...options] = (parts[1] ?? '').trim().split(/\s+/);
    const url = normalizeBaseUrl(target);
    if (typeof url !== 'string')
        return url.reason;
    const mapping = { path, url };
    for (const option of options) {
        const known = MAPPING_OPTIONS.find((o) => o === option.toLowerCase());
        if (!known) {
            return `has "${option}" after the URL, which is not an option (the only one is "pretty-urls")`;
        }
        mapping.prettyUrls = true;
    }
    return mapping;
}
function normalizeFolder(value) {
    if (/^[a-z]:|\\/i.test(value))
        return { reason: 'has a folder with backslashes or a drive letter; use a/b/ paths' };
    const trimmed = value.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
    if (trimmed === '' || trimmed === '.')
        return '';
    const segments = trimmed.replace(/\/+$/, '').split('/');
    if (segments.some((s) => s === '..' || s === '.' || s === '')) {
        return {
            reason: 'has a folder with "..", "." or "//" in it; give the folder relative to the repository root'
        };
    }
    if (segments.some((s) => /[*?[\]]/.test(s))) {
        return { reason: 'has a wildcard in the folder; give the folder itself, such as public/' };
    }
    return `${segments.join('/')}/`;
}
function normalizeBaseUrl(value) {
    if (value === '')
        return { reason: 'has no URL after "=>"' };
    const shown = (0,canonical_url/* hideUserinfo */.kc)(value);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return { reason: `has "${shown}" as its URL, which is not a full URL such as https://example.com/` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return { reason: `has "${shown}" as its URL; only http:// and https:// URLs are cached by Cloudflare` };
    }
    if (url.username || url.password || url.search || url.hash || value.includes('*')) {
        return {
            reason: `has "${shown}" as its URL, which must have no credentials, query, fragment or wildcard`
        };
    }
    if (!(0,hostnames/* toAsciiHostname */.Eq)(url.hostname)) {
        return { reason: `has "${shown}" as its URL, whose host is not a domain name` };
    }
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
/**
 * The URLs to purge for these changes: each changed, added, removed or renamed-away file under a mapped
 * folder, by the deepest folder that holds it (every mapping of that folder when it is mapped twice), plus
 * the folder URL of each `index.html`, and with `pretty-urls` the URLs without `.html` / `.htm`.
 */
function urlsForChanges(files, mappings) {
    const urls = new Set();
    const errors = [];
    let unmapped = 0;
    const add = (path) => {
        const found = urlsForPath(path, mappings);
        for (const url of found) {
            // The same checks and the same canonical form as a URL given in `files`; the path is a real file
            // name, so a "*" in it is part of the name.
            const checked = canonicalUrl(url, undefined, { literalPath: true });
            if (checked.ok)
                urls.add(checked.url);
            else
                errors.push(diagnose('bad-changed-url', { detail: checked.finding.message }));
        }
        return found.length > 0;
    };
    for (const file of files) {
        if (file.status === 'unchanged')
            continue;
        let mapped = add(file.path);
        // A rename leaves the old URL serving a stale copy (or an old 200 where there should be a 404).
        if (file.status === 'renamed' && file.previousPath)
            mapped = add(file.previousPath) || mapped;
        if (!mapped)
            unmapped++;
    }
    return { urls: [...urls], unmapped, errors };
}
/** Every URL that serves this repository path, most specific folder first; empty when unmapped. */
function urlsForPath(path, mappings) {
    const matching = mappings.filter((m) => path.startsWith(m.path) && path.length > m.path.length);
    const deepest = Math.max(-1, ...matching.map((m) => m.path.length));
    const urls = [];
    for (const m of matching.filter((x) => x.path.length === deepest)) {
        const rest = path.slice(m.path.length);
        urls.push(m.url + encodePath(rest));
        for (const other of otherPaths(rest, m.prettyUrls === true))
            urls.push(m.url + encodePath(other));
    }
    return urls;
}
/**
 * The other paths a site serves a file at: `docs/index.html` at `docs/`; with pretty URLs (static hosts
 * that drop the extension) also `about.html` and `about.htm` at `about`, and `docs/index.htm` at `docs/`.
 */
function otherPaths(rest, prettyUrls) {
    const slash = rest.lastIndexOf('/') + 1;
    const folder = rest.slice(0, slash);
    const name = rest.slice(slash);
    if (name === INDEX_FILE || (prettyUrls && name === 'index.htm'))
        return [folder];
    if (!prettyUrls)
        return [];
    const page = /^(.+)\.html?$/.exec(name)?.[1];
    return page ? [folder + page] : [];
}
/** Percent-encodes each path segment the way browsers request it, keeping the characters paths allow. */
function encodePath(path) {
    return path
        .split('/')
        .map((segment) => encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|3A|40)/gi, (m) => decodeURIComponent(m)))
        .join('/');
}

// EXTERNAL MODULE: ./src/inputs/credential-checks.ts
var credential_checks = __nccwpck_require__(7748);
// EXTERNAL MODULE: ./src/patterns.ts
var patterns = __nccwpck_require__(6248);
// EXTERNAL MODULE: ./src/inputs/request.ts
var request = __nccwpck_require__(8024);
;// CONCATENATED MODULE: ./src/inputs/target.ts
// Reads `mode` and `environment`: what the requests do to cached copies, and in which Version Management
// environment of each zone. Pure; the environment is resolved per zone later (src/access/environments.ts).


const MODES = ['purge', 'invalidate'];
/** `purge` (also when empty) or `invalidate`, in any case. */
function parseMode(value) {
    const lower = value.trim().toLowerCase();
    if (lower === '')
        return { mode: 'purge', errors: [] };
    if (MODES.includes(lower))
        return { mode: lower, errors: [] };
    const expected = '`purge` (delete the cached copies) or `invalidate` (mark them stale, so the origin revalidates them)';
    return { errors: [(0,catalogue/* diagnose */.h4)('bad-option', { input: 'mode', value: value.trim(), expected })] };
}
/** An environment name or ref as given (matched per zone later); undefined when empty. */
function parseEnvironment(value) {
    const trimmed = value.trim();
    if (trimmed === '')
        return { errors: [] };
    // One name on one line: a list or a stray control character would never match an environment.
    if (patterns/* CONTROL_CHARACTER */.gW.test(trimmed) || trimmed.length > 200) {
        const shown = trimmed.replace(new RegExp(patterns/* CONTROL_CHARACTER */.gW.source, 'gu'), ' ').slice(0, 80);
        const expected = 'one environment name, such as Staging, or its ref (the ID Cloudflare lists it by)';
        return { errors: [(0,catalogue/* diagnose */.h4)('bad-option', { input: 'environment', value: shown, expected })] };
    }
    return { environment: trimmed, errors: [] };
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(7975);
;// CONCATENATED MODULE: ./src/inputs/file-text.ts
// The text of a `files_from` file, whatever wrote it: UTF-8 with or without a byte order mark, or UTF-16
// (little- or big-endian), as Windows PowerShell 5's `>` and `Out-File` write it. Anything else is said,
// never guessed. Pure.

/** Decodes the bytes of a list file; a string is taken as already decoded. */
function decodeListFile(content) {
    if (typeof content === 'string')
        return { ok: true, text: content.replace(/^\ufeff/, ''), encoding: 'UTF-8' };
    const bytes = content;
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
        return utf8(bytes.subarray(3), 'UTF-8 with BOM');
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
        return utf16(bytes.subarray(2), 'utf-16le', 'UTF-16 LE');
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
        return utf16(bytes.subarray(2), 'utf-16be', 'UTF-16 BE');
    // Without a BOM, UTF-16 of ASCII text has a zero byte in every other place.
    const guess = utf16Guess(bytes);
    if (guess)
        return utf16(bytes, guess, guess === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE');
    return utf8(bytes, 'UTF-8');
}
function utf8(bytes, encoding) {
    if (bytes.includes(0)) {
        return { ok: false, reason: 'it holds zero bytes, so it is not a text file in UTF-8 or UTF-16' };
    }
    try {
        return { ok: true, text: new external_node_util_.TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding };
    }
    catch {
        return {
            ok: false,
            reason: 'it is not UTF-8 text (an editor or `Out-File -Encoding Default` wrote it in a legacy code page); ' +
                'save it as UTF-8'
        };
    }
}
function utf16(bytes, label, encoding) {
    if (bytes.length % 2 !== 0)
        return { ok: false, reason: `it starts as ${encoding} but has an odd number of bytes` };
    try {
        return { ok: true, text: new external_node_util_.TextDecoder(label, { fatal: true }).decode(bytes), encoding };
    }
    catch {
        return { ok: false, reason: `it starts as ${encoding} but does not decode as such` };
    }
}
/** UTF-16 without a BOM: at least half of the pairs have a zero in the same place, and no pair is all zero. */
function utf16Guess(bytes) {
    if (bytes.length < 4 || bytes.length % 2 !== 0)
        return undefined;
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < bytes.length; i += 2) {
        const a = bytes[i];
        const b = bytes[i + 1];
        if (a === 0 && b === 0)
            return undefined;
        if (a === 0)
            evenZeros++;
        if (b === 0)
            oddZeros++;
    }
    const pairs = bytes.length / 2;
    if (oddZeros * 2 >= pairs && evenZeros === 0)
        return 'utf-16le';
    if (evenZeros * 2 >= pairs && oddZeros === 0)
        return 'utf-16be';
    return undefined;
}

// EXTERNAL MODULE: ./src/inputs/items.ts
var items = __nccwpck_require__(7477);
;// CONCATENATED MODULE: ./src/inputs/verify.ts
// The edge check's inputs: `verify`, `warm`, `verify_urls` (the list syntax of `files`) and
// `verify_limit`, checked together. Pure.


/** URLs checked when `verify_limit` is not given. */
const DEFAULT_VERIFY_LIMIT = 100;
const MAX_VERIFY_LIMIT = 10_000;
/** The edge check's settings, when `verify` is on; every mistake in its inputs as findings. */
function parseVerify(inputs) {
    const findings = [];
    const parsed = (0,items/* parseFiles */.Bj)(inputs.urls, { input: 'verify_urls' }, inputs.zoneName);
    findings.push(...parsed.errors);
    if (inputs.verify !== true) {
        if (inputs.verifyUnreadable)
            return { findings };
        if (inputs.warm === true)
            findings.push((0,catalogue/* diagnose */.h4)('verify-off', { input: 'warm' }));
        if (inputs.urls.trim() !== '')
            findings.push((0,catalogue/* diagnose */.h4)('verify-off', { input: 'verify_urls' }));
        if (inputs.limit !== undefined)
            findings.push((0,catalogue/* diagnose */.h4)('verify-off', { input: 'verify_limit' }));
        return { findings };
    }
    const urls = (0,items/* dedupe */.Qq)(parsed.items, items/* fileKey */.wm);
    if (!inputs.namesUrls && urls.length === 0 && parsed.errors.length === 0)
        findings.push((0,catalogue/* diagnose */.h4)('verify-no-urls'));
    return {
        settings: { warm: inputs.warm ?? false, limit: inputs.limit ?? DEFAULT_VERIFY_LIMIT, urls },
        findings
    };
}

;// CONCATENATED MODULE: ./src/inputs/workspace.ts
// Where the action may read `files_from`: inside the workspace (GITHUB_WORKSPACE), as the README says,
// so that a path such as `../../home/runner/.ssh/id_rsa` or `/etc/passwd` is never read into a run's
// log. The command line reads any path its user names. Pure: the edge resolves links (main.ts).

/** The absolute path of `path` under `workspace`, or undefined when it points outside of it. */
function pathInWorkspace(workspace, path) {
    const root = (0,external_node_path_namespaceObject.resolve)(workspace);
    const full = (0,external_node_path_namespaceObject.resolve)(root, path);
    return isInside(root, full) ? full : undefined;
}
/** True when `full` is `root` or below it (both absolute and resolved). */
function isInside(root, full) {
    const rel = (0,external_node_path_namespaceObject.relative)(root, full);
    return rel === '' || (!rel.startsWith(`..${external_node_path_namespaceObject.sep}`) && rel !== '..' && !(0,external_node_path_namespaceObject.isAbsolute)(rel));
}
/** Thrown by a reader when a path inside the workspace leads outside it through a symbolic link. */
class OutsideWorkspaceError extends Error {
    code = 'EOUTSIDE';
    constructor() {
        super('it leads outside the workspace through a symbolic link');
    }
}

;// CONCATENATED MODULE: ./src/inputs/parser.ts
// Turns the raw input strings into one validated Settings object, collecting every problem at once.
// Pure: no Actions toolkit, no network; files_from is read through the function passed in.













const INPUT_NAMES = (/* unused pure expression or super */ null && ([
    'zone',
    'api_token',
    'email',
    'global_key',
    'account_id',
    'purge_everything',
    'files',
    'files_from',
    'tags',
    'hosts',
    'prefixes',
    'dry_run',
    'batch_size',
    'timeout',
    'api_url',
    'changed_paths',
    'github_token',
    'base',
    'head',
    'mode',
    'environment',
    'verify',
    'warm',
    'verify_urls',
    'verify_limit'
]));
const DEFAULT_API_URL = 'https://api.cloudflare.com/client/v4';
const DEFAULT_TIMEOUT_SECONDS = 300;
function parseSettings(raw, options) {
    const errors = [];
    const warnings = [];
    const report = (findings) => {
        for (const f of findings)
            (f.severity === 'error' ? errors : warnings).push(f);
    };
    const get = (name) => (raw[name] ?? '').trim();
    // Each list input once, with what does not show (no-break and zero-width spaces) read past, and said.
    const cleanedLists = new Map();
    const cleaned = (name) => {
        let text = cleanedLists.get(name);
        if (text === undefined) {
            const clean = (0,list_syntax/* cleanText */.X5)(raw[name] ?? '');
            if (clean.found.length > 0)
                report([(0,catalogue/* diagnose */.h4)('invisible-characters', { input: name, found: clean.found })]);
            text = clean.text;
            cleanedLists.set(name, text);
        }
        return text;
    };
    const credential = parseCredential(raw, report);
    const zones = parseZones(cleaned('zone').trim(), report);
    const zoneName = zones.find((z) => z.kind === 'name')?.name;
    const accountId = get('account_id').toLowerCase();
    if (accountId && !patterns/* HEX32_ID */.$9.test(accountId))
        report([(0,catalogue/* diagnose */.h4)('bad-account-id', { value: get('account_id') })]);
    const everything = parseBoolean('purge_everything', get('purge_everything'), report);
    const dryRun = parseBoolean('dry_run', get('dry_run'), report);
    const apiUrl = parseApiUrl(get('api_url'), report);
    const batchSize = parseInteger('batch_size', get('batch_size'), 1, 1000, report);
    const timeoutSeconds = parseInteger('timeout', get('timeout'), 1, 21600, report) ?? DEFAULT_TIMEOUT_SECONDS;
    // A value that is one comment line purges nothing: say so rather than purge less than was meant.
    const listInputs = ['zone', 'files', 'tags', 'hosts', 'prefixes'];
    const commentOnly = listInputs.filter((name) => (0,list_syntax/* isOneCommentLine */.KZ)(raw[name] ?? ''));
    for (const name of commentOnly) {
        const line = (raw[name] ?? '').trim();
        report([(0,catalogue/* diagnose */.h4)('comment-only-input', { input: name, line: (0,canonical_url/* hideUserinfo */.kc)(line) })]);
    }
    let itemErrors = commentOnly.filter((name) => name !== 'zone').length;
    const fileLists = [];
    const fragments = [];
    const files = (0,items/* parseFiles */.Bj)(cleaned('files'), { input: 'files' }, zoneName);
    report(files.errors);
    fileLists.push(...files.items);
    fragments.push(...files.fragments);
    itemErrors += files.errors.length;
    const filesFrom = get('files_from');
    if (filesFrom) {
        const fromFile = readFilesFrom(filesFrom, options, zoneName);
        report(fromFile.errors);
        report(fromFile.warnings);
        fileLists.push(...fromFile.items);
        fragments.push(...fromFile.fragments);
        itemErrors += fromFile.errors.length;
    }
    const [firstFragment] = fragments;
    if (firstFragment) {
        const [example, canonical] = firstFragment;
        report([(0,catalogue/* diagnose */.h4)('url-fragment', { count: fragments.length, example: (0,canonical_url/* hideUserinfo */.kc)(example), canonical })]);
    }
    const tags = (0,items/* parseTags */.rL)(cleaned('tags'));
    const hosts = (0,items/* parseHosts */.tB)(cleaned('hosts'));
    const prefixes = (0,items/* parsePrefixes */.mC)(cleaned('prefixes'), zoneName);
    report([...tags.errors, ...hosts.errors, ...prefixes.errors]);
    itemErrors += tags.errors.length + hosts.errors.length + prefixes.errors.length;
    const normalized = (0,request/* withNormalizedForms */.Rb)((0,items/* dedupe */.Qq)(fileLists, items/* fileKey */.wm));
    const [firstNormalized] = normalized.added;
    if (firstNormalized) {
        const [example, form] = firstNormalized;
        report([
            (0,catalogue/* diagnose */.h4)('url-normalized', { count: normalized.added.length, example: (0,canonical_url/* hideUserinfo */.kc)(example), form })
        ]);
    }
    const purge = {
        everything: everything ?? false,
        files: normalized.files,
        tags: (0,items/* dedupe */.Qq)(tags.items, (t) => t.toLowerCase()),
        hosts: (0,items/* dedupe */.Qq)(hosts.items, (h) => h),
        prefixes: (0,items/* dedupe */.Qq)(prefixes.items, prefixKey)
    };
    const changes = parseChanges(raw, report);
    const { mode } = withFindings(parseMode(raw.mode ?? ''), report);
    const { environment } = withFindings(parseEnvironment(cleaned('environment')), report);
    const verifyOn = parseBoolean('verify', get('verify'), report);
    const verify = withFindings(parseVerify({
        verify: verifyOn,
        verifyUnreadable: verifyOn === undefined && get('verify') !== '',
        warm: parseBoolean('warm', get('warm'), report),
        limit: parseInteger('verify_limit', get('verify_limit'), 1, MAX_VERIFY_LIMIT, report),
        urls: raw.verify_urls ?? '',
        namesUrls: Boolean(raw.files?.trim() || filesFrom || raw.changed_paths?.trim()),
        ...(zoneName ? { zoneName } : {})
    }), report).settings;
    const requested = {
        zones,
        purge,
        // Unless dry_run is plainly false, nothing was meant to be purged.
        dryRun: dryRun ?? get('dry_run') !== '',
        ...(mode && mode !== 'purge' ? { mode } : {})
    };
    const listed = purge.files.length + purge.tags.length + purge.hosts.length + purge.prefixes.length;
    const anyItemInput = [raw.files, raw.tags, raw.hosts, raw.prefixes, raw.files_from, raw.changed_paths].some((v) => (v ?? '').trim());
    // Each problem once: an unreadable purge_everything or item list is reported by its own error, and
    // an empty result that follows from it is not reported again.
    const everythingUnreadable = everything === undefined && get('purge_everything') !== '';
    if (purge.everything && (listed > 0 || anyItemInput))
        report([(0,catalogue/* diagnose */.h4)('everything-with-items')]);
    if (!purge.everything && listed === 0 && !anyItemInput) {
        if (!everythingUnreadable)
            report([(0,catalogue/* diagnose */.h4)('nothing-to-purge')]);
    }
    else if (!purge.everything && listed === 0 && !get('changed_paths') && itemErrors === 0) {
        report([(0,catalogue/* diagnose */.h4)('lists-empty')]);
    }
    // A `zone` that was given but could not be read is reported by its own error, not as missing.
    const zoneUnreadable = errors.some((e) => e.id === 'bad-zone') || commentOnly.includes('zone');
    const noZone = (0,request/* zoneMissing */.nd)(zones, purge, Boolean(changes));
    if (noZone && !zoneUnreadable)
        report([noZone]);
    if (errors.length > 0 || !credential)
        return { errors, warnings, requested };
    const settings = {
        zones,
        credential,
        purge,
        dryRun: dryRun ?? false,
        apiUrl: apiUrl ?? DEFAULT_API_URL,
        timeoutMs: timeoutSeconds * 1000
    };
    if (accountId)
        settings.accountId = accountId;
    if (batchSize !== undefined)
        settings.batchSize = batchSize;
    if (changes)
        settings.changes = changes;
    if (mode && mode !== 'purge')
        settings.mode = mode;
    if (environment)
        settings.environment = environment;
    if (verify)
        settings.verify = verify;
    return { settings, errors, warnings, requested };
}
/**
 * The URLs of the `files_from` file: read inside the workspace when there is one, decoded whatever its
 * encoding (UTF-8, UTF-16 with or without BOM), and never quoted line by line when it is not a URL list.
 */
function readFilesFrom(path, options, zoneName) {
    const empty = { items: [], fragments: [], warnings: [] };
    const shown = (0,canonical_url/* hideUserinfo */.kc)(path);
    const full = options.workspace === undefined ? path : pathInWorkspace(options.workspace, path);
    if (full === undefined) {
        return { ...empty, errors: [(0,catalogue/* diagnose */.h4)('files-from-outside-workspace', { path: shown })] };
    }
    let bytes;
    try {
        bytes = options.readFile(full);
    }
    catch (e) {
        const finding = e instanceof OutsideWorkspaceError
            ? (0,catalogue/* diagnose */.h4)('files-from-outside-workspace', { path: shown })
            : (0,catalogue/* diagnose */.h4)('files-from-unreadable', { path: shown, reason: describeFsError(e) });
        return { ...empty, errors: [finding] };
    }
    const decoded = decodeListFile(bytes);
    if (!decoded.ok) {
        return { ...empty, errors: [(0,catalogue/* diagnose */.h4)('files-from-unreadable', { path: shown, reason: decoded.reason })] };
    }
    const clean = (0,list_syntax/* cleanText */.X5)(decoded.text);
    const warnings = clean.found.length > 0
        ? [(0,catalogue/* diagnose */.h4)('invisible-characters', { input: 'files_from', found: clean.found })]
        : [];
    return { ...(0,items/* parseFiles */.Bj)(clean.text, { input: 'files_from', file: shown }, zoneName), warnings };
}
function withFindings(result, report) {
    report('errors' in result ? result.errors : result.findings);
    return result;
}
/** `changed_paths` with the token and commits to list the changes with; undefined when not used. */
function parseChanges(raw, report) {
    const base = (raw.base ?? '').trim();
    const head = (raw.head ?? '').trim();
    if ((raw.changed_paths ?? '').trim() === '') {
        if (base || head)
            report([(0,catalogue/* diagnose */.h4)('refs-ignored')]);
        return undefined;
    }
    const { mappings, errors } = parseChangedPaths(raw.changed_paths ?? '');
    report(errors);
    if (mappings.length === 0 && errors.length === 0) {
        const line = (0,canonical_url/* hideUserinfo */.kc)((raw.changed_paths ?? '').trim().split('\n')[0] ?? '');
        report([
            (0,catalogue/* diagnose */.h4)('bad-changed-paths', { line, reason: 'is a comment, and no line maps a folder to a URL' })
        ]);
    }
    const githubToken = (raw.github_token ?? '').trim();
    if (!githubToken)
        report([(0,catalogue/* diagnose */.h4)('no-github-token')]);
    const expected = 'a commit SHA, branch or tag name (no spaces and no "..")';
    for (const [input, value] of [
        ['base', base],
        ['head', head]
    ]) {
        if (value && (/[\s\0?#\\]/.test(value) || value.includes('..'))) {
            report([(0,catalogue/* diagnose */.h4)('bad-option', { input, value, expected })]);
        }
    }
    if (head && !base) {
        report([
            (0,catalogue/* diagnose */.h4)('bad-option', {
                input: 'head',
                value: head,
                expected: 'given together with `base`, the commit to compare from'
            })
        ]);
    }
    if (errors.length > 0 || !githubToken || mappings.length === 0)
        return undefined;
    return { mappings, githubToken, ...(base ? { base } : {}), ...(head ? { head } : {}) };
}
function parseCredential(raw, report) {
    const tokenRaw = raw.api_token ?? '';
    const keyRaw = raw.global_key ?? '';
    const emailRaw = (raw.email ?? '').trim();
    const hasToken = tokenRaw.trim() !== '';
    const hasKey = keyRaw.trim() !== '';
    if (!hasToken && !hasKey && !emailRaw) {
        report([(0,catalogue/* diagnose */.h4)('no-credential')]);
        return undefined;
    }
    if (hasToken && hasKey) {
        report([(0,catalogue/* diagnose */.h4)('both-credentials')]);
        return undefined;
    }
    if (hasToken) {
        const token = (0,credential_checks/* cleanSecret */.Qm)(tokenRaw, 'api_token', true);
        report(token.findings);
        if (token.findings.some((f) => f.severity === 'error'))
            return undefined;
        const shape = (0,credential_checks/* checkTokenShape */.$D)(token.value);
        report(shape);
        if (shape.length > 0)
            return undefined;
        if (token.value === '') {
            report([(0,catalogue/* diagnose */.h4)('no-credential')]);
            return undefined;
        }
        if (emailRaw)
            report([(0,catalogue/* diagnose */.h4)('email-ignored')]);
        return { kind: 'token', token: token.value };
    }
    if (!hasKey) {
        report([(0,catalogue/* diagnose */.h4)('incomplete-global-key', { missing: 'global_key' })]);
        return undefined;
    }
    const key = (0,credential_checks/* cleanSecret */.Qm)(keyRaw, 'global_key', false);
    report(key.findings);
    const shape = (0,credential_checks/* checkGlobalKeyShape */.yE)(key.value);
    report(shape);
    if (!emailRaw) {
        report([(0,catalogue/* diagnose */.h4)('incomplete-global-key', { missing: 'email' })]);
        return undefined;
    }
    const email = (0,list_syntax/* unquote */._n)(emailRaw).trim();
    if (!(0,credential_checks/* isEmail */.xf)(email)) {
        report([(0,catalogue/* diagnose */.h4)('bad-email')]);
        return undefined;
    }
    if (key.findings.some((f) => f.severity === 'error') || shape.length > 0)
        return undefined;
    return { kind: 'global-key', email, key: key.value };
}
/** The zones given; an empty list means each item's zone is found from its hostname. */
function parseZones(text, report) {
    const values = (0,list_syntax/* splitList */.ry)(text);
    const zones = [];
    for (const value of values) {
        const zone = parseZone(value);
        if (typeof zone === 'string')
            report([(0,catalogue/* diagnose */.h4)('bad-zone', { value: (0,canonical_url/* hideUserinfo */.kc)(value), reason: zone })]);
        else if (!zones.some((z) => sameZone(z, zone)))
            zones.push(zone);
    }
    return zones;
}
/** A zone reference, or the reason why the value is not one. */
function parseZone(value) {
    const lower = value.toLowerCase();
    if (patterns/* HEX32_ID */.$9.test(lower))
        return { kind: 'id', id: lower };
    if (/^[0-9a-f]+$/.test(lower) && lower.length >= 20) {
        const off = lower.length < 32 ? 'cut off when copied' : 'copied with something else';
        return `looks like an ID but has ${lower.length} characters instead of 32 (was it ${off}?)`;
    }
    if (patterns/* URL_SCHEME */.cr.test(lower)) {
        let host;
        try {
            host = (0,hostnames/* toAsciiHostname */.Eq)(new URL(value).hostname);
        }
        catch {
            host = undefined;
        }
        return host ? `is a URL; write just the domain "${host}"` : 'is a URL, not a zone';
    }
    const name = (0,hostnames/* toAsciiHostname */.Eq)(value);
    if (!name)
        return 'is not a valid domain name';
    return { kind: 'name', name, input: value };
}
function sameZone(a, b) {
    return a.kind === 'id' ? b.kind === 'id' && a.id === b.id : b.kind === 'name' && a.name === b.name;
}
function prefixKey(prefix) {
    const slash = prefix.indexOf('/');
    return slash === -1 ? prefix : prefix.slice(0, slash).toLowerCase() + prefix.slice(slash);
}
function parseBoolean(name, value, report) {
    if (value === '')
        return undefined;
    const lower = value.toLowerCase();
    if (lower === 'true')
        return true;
    if (lower === 'false')
        return false;
    report([(0,catalogue/* diagnose */.h4)('bad-option', { input: name, value, expected: '`true` or `false`' })]);
    return undefined;
}
function parseInteger(name, value, min, max, report) {
    if (value === '')
        return undefined;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max)
        return n;
    report([(0,catalogue/* diagnose */.h4)('bad-option', { input: name, value, expected: `a whole number from ${min} to ${max}` })]);
    return undefined;
}
function parseApiUrl(value, report) {
    if (value === '')
        return undefined;
    // Whatever else is wrong with it, a user name or password in it is never shown.
    const shown = (0,canonical_url/* hideUserinfo */.kc)(value);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        report([
            (0,catalogue/* diagnose */.h4)('bad-option', {
                input: 'api_url',
                value: shown,
                expected: `a URL such as ${DEFAULT_API_URL}`
            })
        ]);
        return undefined;
    }
    if (url.username || url.password || url.search || url.hash) {
        // A query may carry a key as well: none of the three is shown, only that it is there.
        const userinfo = url.username || url.password ? '***@' : '';
        const rest = `${url.search ? '?…' : ''}${url.hash ? '#…' : ''}`;
        report([
            (0,catalogue/* diagnose */.h4)('bad-option', {
                input: 'api_url',
                value: `${url.protocol}//${userinfo}${url.host}${url.pathname}${rest}`,
                expected: 'a URL without a user name, password, query or fragment'
            })
        ]);
        return undefined;
    }
    const loopback = (0,hostnames/* isLoopbackHost */.cW)(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        const expected = 'an https:// URL (plain http:// is accepted only for loopback hosts such as 127.0.0.1)';
        report([(0,catalogue/* diagnose */.h4)('bad-option', { input: 'api_url', value: shown, expected })]);
        return undefined;
    }
    return url.href.replace(/\/+$/, '');
}
function describeFsError(e) {
    // Whatever was thrown, even a non-Error, ends up as words rather than a second exception.
    const code = e instanceof Error ? e.code : undefined;
    if (code === 'ENOENT')
        return 'no such file';
    if (code === 'EISDIR')
        return 'it is a folder';
    if (code === 'EACCES')
        return 'permission denied';
    return e instanceof Error ? e.message : String(e);
}

// EXTERNAL MODULE: ./src/purge/target.ts + 1 modules
var target = __nccwpck_require__(7757);
// EXTERNAL MODULE: ./src/words.ts
var words = __nccwpck_require__(5846);
;// CONCATENATED MODULE: ./src/report/log.ts
// Log lines that describe what a run was asked to do, for the edges to print before the engine runs. Pure.



/** URLs of the changed files listed one per line; beyond that, counted. */
const URLS_SHOWN = 50;
/** The settings in a few lines, secrets left out. */
function describeSettings(settings) {
    const zones = settings.zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(', ') ||
        'found from the hostnames of the items';
    const credential = settings.credential.kind === 'token' ? 'API token' : 'email + Global API Key';
    const p = settings.purge;
    const what = p.everything
        ? 'everything'
        : [
            p.files.length > 0 ? (0,words/* count */.U9)(p.files.length, 'URL') : '',
            p.tags.length > 0 ? (0,words/* count */.U9)(p.tags.length, 'tag') : '',
            p.hosts.length > 0 ? (0,words/* count */.U9)(p.hosts.length, 'host') : '',
            p.prefixes.length > 0 ? (0,words/* count */.U9)(p.prefixes.length, 'prefix', 'prefixes') : ''
        ]
            .filter(Boolean)
            .join(', ');
    const mapped = (m) => `${m.path || './'} → ${m.url}${m.prettyUrls ? ' (pretty URLs)' : ''}`;
    const changed = settings.changes
        ? `the files changed under ${settings.changes.mappings.map(mapped).join(', ')}`
        : '';
    const w = (0,target/* wordsFor */.tu)(settings.mode);
    return [
        `Zone: ${zones}`,
        `Credential: ${credential}`,
        `${w.Verb}: ${[what, changed].filter(Boolean).join(', and ') || 'nothing'}`,
        ...(settings.environment ? [`Environment: ${settings.environment} (Version Management)`] : []),
        ...(settings.dryRun ? [`Dry run: nothing will be ${w.past}`] : []),
        ...(settings.apiUrl !== DEFAULT_API_URL ? [`API: ${settings.apiUrl}`] : [])
    ];
}
/** What the listing of the changed files found, and the URLs it gives to purge (or invalidate). */
function describeChanges(changes, mode) {
    const { range, files, unmapped, urls } = changes;
    return [
        `${range}: ${count(files, 'changed file')}, ${grouped(files - unmapped)} under changed_paths, ${count(urls.length, 'URL')} to ${wordsFor(mode).verb}`,
        ...urls.slice(0, URLS_SHOWN).map((url) => `  ${url}`),
        ...(urls.length > URLS_SHOWN ? [`  … and ${grouped(urls.length - URLS_SHOWN)} more`] : [])
    ];
}

;// CONCATENATED MODULE: ./src/report/redactor.ts
// Masks the secrets in text that leaves the process. Pure: the edges pass every line, annotation,
// output and summary through it before writing them.
/** Replaces every known secret in text that leaves the process, whatever the runner masks. */
class Redactor {
    secrets;
    constructor(secrets) {
        this.secrets = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
    }
    redact(text) {
        let out = text;
        // Overlapping secrets are masked as one stretch, so no tail of either survives; repeat in case a
        // mask joined with its neighbours spells a secret again (each pass shortens the text, so it ends).
        for (let changed = true; changed;) {
            const spans = this.spans(out);
            changed = spans.length > 0;
            for (const [start, end] of spans.reverse())
                out = `${out.slice(0, start)}***${out.slice(end)}`;
        }
        return out;
    }
    /** Where secrets occur, merged where they overlap or touch, in order. */
    spans(text) {
        const found = [];
        for (const secret of this.secrets) {
            for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1))
                found.push([at, at + secret.length]);
        }
        found.sort((a, b) => a[0] - b[0]);
        const merged = [];
        for (const [start, end] of found) {
            const last = merged[merged.length - 1];
            if (last && start <= last[1])
                last[1] = Math.max(last[1], end);
            else
                merged.push([start, end]);
        }
        return merged;
    }
}
/** The value as given, trimmed, unquoted, and each word of it: any of them may end up in a log line. */
function secretForms(value) {
    const forms = new Set([value, value.trim()]);
    for (const word of value.split(/\s+/)) {
        const bare = word.replace(/^["'`]+|["'`]+$/g, '');
        if (bare.length >= 6 && bare.toLowerCase() !== 'bearer')
            forms.add(bare);
    }
    forms.delete('');
    return [...forms].sort((a, b) => b.length - a.length);
}

// EXTERNAL MODULE: ./src/report/result.ts
var report_result = __nccwpck_require__(5781);
;// CONCATENATED MODULE: ./src/cli/flags.ts
// The command line's flags. Each input flag sets the action input of the same meaning, as the raw text
// the action would get, so that src/inputs/parser.ts checks and explains both alike. Pure: the
// arguments and the environment in, the raw inputs and the output options out.
const FLAGS = [
    {
        name: 'files',
        kind: 'list',
        group: 'what',
        many: 'urls',
        input: 'files',
        arg: 'URLS',
        help: 'Full URLs (https://…), or a JSON array of URLs and {url, headers}'
    },
    {
        name: 'files-from',
        kind: 'value',
        group: 'what',
        input: 'files_from',
        arg: 'FILE',
        help: 'URLs from FILE, one per line or as JSON; - reads standard input'
    },
    {
        name: 'tags',
        kind: 'list',
        group: 'what',
        many: 'items',
        input: 'tags',
        arg: 'TAGS',
        help: 'Cache tags to purge'
    },
    {
        name: 'hosts',
        kind: 'list',
        group: 'what',
        many: 'items',
        input: 'hosts',
        arg: 'HOSTS',
        help: 'Hostnames to purge, such as www.example.com'
    },
    {
        name: 'prefixes',
        kind: 'list',
        group: 'what',
        many: 'items',
        input: 'prefixes',
        arg: 'PREFIXES',
        help: 'URL prefixes to purge, as host/path without https://'
    },
    {
        name: 'everything',
        kind: 'switch',
        group: 'what',
        input: 'purge_everything',
        help: 'Purge the whole zone (never implied)'
    },
    {
        name: 'zone',
        kind: 'list',
        group: 'where',
        input: 'zone',
        arg: 'ZONE',
        help: "Zone ID or domain name. Default: each item's zone, from its hostname"
    },
    {
        name: 'environment',
        kind: 'value',
        group: 'where',
        input: 'environment',
        arg: 'NAME',
        help: 'A Version Management environment (Enterprise), by name or ref'
    },
    {
        name: 'mode',
        kind: 'value',
        group: 'how',
        input: 'mode',
        arg: 'MODE',
        help: 'purge (default) deletes the cached copies; invalidate marks them stale'
    },
    {
        name: 'dry-run',
        kind: 'switch',
        group: 'how',
        input: 'dry_run',
        help: 'Check the credential and zones, print the plan, purge nothing'
    },
    {
        name: 'verify',
        kind: 'switch',
        group: 'how',
        input: 'verify',
        help: 'After the purge, request each purged URL and check it is no old copy'
    },
    {
        name: 'warm',
        kind: 'switch',
        group: 'how',
        input: 'warm',
        help: 'With --verify: request again each URL that was not cached, to cache it'
    },
    {
        name: 'verify-urls',
        kind: 'list',
        group: 'how',
        many: 'urls',
        input: 'verify_urls',
        arg: 'URLS',
        help: 'With --verify: URLs to check after a purge by tag, host or prefix'
    },
    {
        name: 'verify-limit',
        kind: 'value',
        group: 'how',
        input: 'verify_limit',
        arg: 'N',
        help: 'With --verify: the most URLs checked (a sample above it). Default: 100'
    },
    {
        name: 'batch-size',
        kind: 'value',
        group: 'how',
        input: 'batch_size',
        arg: 'N',
        help: "URLs per request, instead of the limit of the zone's plan"
    },
    {
        name: 'timeout',
        kind: 'value',
        group: 'how',
        input: 'timeout',
        arg: 'SECONDS',
        help: 'Time the whole run may take, retries included. Default: 300'
    },
    {
        name: 'api-url',
        kind: 'value',
        group: 'how',
        input: 'api_url',
        arg: 'URL',
        help: 'Cloudflare API base URL. Default: https://api.cloudflare.com/client/v4'
    },
    {
        name: 'account-id',
        kind: 'value',
        group: 'how',
        input: 'account_id',
        arg: 'ID',
        env: 'CLOUDFLARE_ACCOUNT_ID',
        help: 'The account of an account-owned token'
    },
    {
        name: 'api-token',
        kind: 'value',
        group: 'credential',
        input: 'api_token',
        arg: 'TOKEN',
        env: 'CLOUDFLARE_API_TOKEN',
        credential: true,
        help: 'Instead of CLOUDFLARE_API_TOKEN'
    },
    {
        name: 'email',
        kind: 'value',
        group: 'credential',
        input: 'email',
        arg: 'EMAIL',
        env: 'CLOUDFLARE_EMAIL',
        help: 'Instead of CLOUDFLARE_EMAIL'
    },
    {
        name: 'global-key',
        kind: 'value',
        group: 'credential',
        input: 'global_key',
        arg: 'KEY',
        env: 'CLOUDFLARE_API_KEY',
        credential: true,
        help: 'Instead of CLOUDFLARE_API_KEY'
    },
    {
        name: 'json',
        kind: 'switch',
        group: 'output',
        help: 'The result as one JSON object on standard output, nothing else there'
    },
    {
        name: 'quiet',
        kind: 'switch',
        group: 'output',
        help: 'Print nothing on success: only warnings and errors'
    },
    { name: 'verbose', kind: 'switch', group: 'output', help: 'Also print each step, and debug lines' },
    { name: 'no-color', kind: 'switch', group: 'output', help: 'No colour (as when NO_COLOR is set)' },
    { name: 'help', kind: 'switch', group: 'output', help: 'Print this help' },
    { name: 'version', kind: 'switch', group: 'output', help: 'Print the version' }
];
/** The action's inputs that only make sense in a workflow: GitHub lists a push's changed files. */
const ACTION_ONLY_INPUTS = ['changed_paths', 'github_token', 'base', 'head'];
/** Names people reach for, and the flag they mean. */
const ALIASES = {
    'purge-everything': 'everything',
    all: 'everything',
    zones: 'zone',
    'zone-id': 'zone',
    file: 'files',
    url: 'files',
    urls: 'files',
    tag: 'tags',
    host: 'hosts',
    prefix: 'prefixes',
    token: 'api-token',
    'api-key': 'global-key',
    key: 'global-key'
};
/** Reads the arguments (without `node` and the script) and the environment. */
function parseCommandLine(args, env) {
    const values = new Map();
    const errors = [];
    const positional = [];
    let help = false;
    /** The list flag that the words since its last option belong to, if any. */
    let last;
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === '--') {
            positional.push(...args.slice(i + 1));
            break;
        }
        if (arg === '-h') {
            help = true;
            continue;
        }
        if (!arg.startsWith('--')) {
            if (arg.startsWith('-') && arg !== '-')
                errors.push(`Unknown option ${arg}. Options start with --.`);
            // `--files URL URL …`: the items of a list may follow its flag one by one (FlagSpec.many).
            else if (last?.many)
                values.get(last)?.push(arg);
            else
                positional.push(arg);
            continue;
        }
        last = undefined;
        const eq = arg.indexOf('=');
        const name = arg.slice(2, eq === -1 ? undefined : eq);
        const spec = FLAGS.find((f) => f.name === name);
        if (!spec) {
            const meant = FLAGS.find((f) => f.name === suggestion(name));
            const actionOnly = isActionOnly(name);
            errors.push(unknownFlag(name, meant, actionOnly));
            // `--zones example.com`: the value belongs to the unknown flag, not a second mistake.
            const takesValue = actionOnly || (meant !== undefined && meant.kind !== 'switch');
            if (takesValue && eq === -1 && args[i + 1] !== undefined && !args[i + 1]?.startsWith('--'))
                i++;
            continue;
        }
        let value;
        if (eq !== -1) {
            value = arg.slice(eq + 1);
            if (spec.kind === 'switch' && !spec.input) {
                errors.push(`--${name} takes no value.`);
                continue;
            }
        }
        else if (spec.kind === 'switch')
            value = 'true';
        else {
            const next = args[i + 1];
            if (next === undefined || next.startsWith('--')) {
                errors.push(`--${name} needs a value: --${name} ${spec.arg}.`);
                continue;
            }
            value = next;
            i++;
        }
        const seen = values.get(spec) ?? [];
        if (seen.length > 0 && spec.kind !== 'list') {
            errors.push(`--${name} is given more than once; give it once.`);
            continue;
        }
        values.set(spec, [...seen, value]);
        if (spec.kind === 'list')
            last = spec;
    }
    for (const arg of positional)
        errors.push(unexpectedArgument(arg));
    const raw = {};
    const sources = {};
    for (const spec of FLAGS) {
        if (!spec.input)
            continue;
        const given = values.get(spec);
        const fromEnv = spec.env ? env[spec.env] : undefined;
        if (given) {
            raw[spec.input] = spec.many === 'urls' ? joinFiles(given) : given.join('\n');
            sources[spec.input] = `--${spec.name}`;
        }
        else if (spec.env && fromEnv !== undefined && fromEnv !== '') {
            raw[spec.input] = fromEnv;
            sources[spec.input] = spec.env;
        }
    }
    const overridden = preferGivenCredential(raw, sources);
    const on = (name) => values.has(FLAGS.find((f) => f.name === name));
    if (on('quiet') && on('verbose'))
        errors.push('--quiet and --verbose contradict each other; give one.');
    return {
        raw,
        sources,
        credentialFlags: FLAGS.filter((f) => f.credential && values.has(f)).map((f) => `--${f.name}`),
        notes: overridden ? [overridden] : [],
        json: on('json'),
        quiet: on('quiet'),
        verbose: on('verbose'),
        noColor: on('no-color'),
        help: help || on('help'),
        version: on('version'),
        errors
    };
}
/**
 * An explicit credential flag beats the other kind of credential found in the environment, as with curl
 * and wrangler, where what is typed wins: --api-token over CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY,
 * --global-key over CLOUDFLARE_API_TOKEN. Drops the overridden inputs and says so in a line.
 */
function preferGivenCredential(raw, sources) {
    const byFlag = (input) => sources[input]?.startsWith('--') ?? false;
    const fromEnvironment = (input) => raw[input] !== undefined && !byFlag(input);
    const flag = byFlag('api_token') ? '--api-token' : byFlag('global_key') ? '--global-key' : undefined;
    const other = flag === '--api-token' ? ['email', 'global_key'] : flag ? ['api_token'] : [];
    const dropped = other.filter(fromEnvironment);
    if (!flag || dropped.length === 0)
        return undefined;
    const names = dropped.map((input) => sources[input]);
    for (const input of dropped) {
        delete raw[input];
        delete sources[input];
    }
    return `${flag} is used; ${names.join(' and ')} from the environment ${names.length === 1 ? 'is' : 'are'} ignored.`;
}
/**
 * Each --files (or --verify-urls) value read on its own, so that JSON arrays and URLs can be mixed: together they become one
 * JSON array. A value that is not a JSON array is passed alone, for the parser to explain.
 */
function joinFiles(values) {
    const json = (value) => /^\s*[[{]/.test(value);
    if (values.length < 2 || !values.some(json))
        return values.join('\n');
    const items = [];
    for (const value of values) {
        if (!json(value)) {
            const lines = value.split('\n').filter((line) => !line.trimStart().startsWith('#'));
            items.push(...lines.join(' ').split(/\s+/).filter(Boolean));
            continue;
        }
        const parsed = parseJson(value);
        if (!Array.isArray(parsed))
            return value;
        items.push(...parsed);
    }
    return JSON.stringify(items);
}
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function unknownFlag(name, meant, actionOnly) {
    if (actionOnly)
        return `--${name} is not an option: purging the files a push changed works only in the GitHub Action (changed_paths).`;
    return `Unknown option --${name}.${meant ? ` Did you mean --${meant.name}?` : ''}`;
}
/** The action's inputs that list a push's changed files, however written. */
function isActionOnly(name) {
    return ACTION_ONLY_INPUTS.includes(name.toLowerCase().replace(/-/g, '_'));
}
/** The flag someone who typed `name` probably meant: the same with hyphens, a common alias, or one within two edits. */
function suggestion(name) {
    const normal = name.toLowerCase().replace(/_/g, '-');
    return (FLAGS.find((f) => f.name === normal)?.name ??
        (Object.hasOwn(ALIASES, normal) ? ALIASES[normal] : closest(normal)));
}
function unexpectedArgument(arg) {
    if (/^https?:\/\//i.test(arg))
        return `Unexpected argument "${arg}": to purge this URL, give it with --files.`;
    return `Unexpected argument "${arg}": every value follows its option, such as --zone example.com.`;
}
/** The flag within two edits of `name`, if one is. */
function closest(name) {
    let best;
    for (const f of FLAGS) {
        const distance = editDistance(name, f.name);
        if (distance <= 2 && (!best || distance < best.distance))
            best = { name: f.name, distance };
    }
    return best?.name;
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost));
        }
        previous = row;
    }
    return previous[b.length];
}

;// CONCATENATED MODULE: ./src/cli/door.ts

/**
 * The door of one run. `sources` says where each input came from (`--api-token`, `CLOUDFLARE_API_TOKEN`),
 * so that a message names what the person typed; an input not given is named the way it is best given:
 * a credential by its environment variable, anything else by its option.
 */
function commandLineDoor(sources = {}) {
    const name = (input) => {
        const flag = FLAGS.find((f) => f.input === input);
        if (!flag)
            return `\`${input}\``;
        return sources[input] ?? (flag.group === 'credential' && flag.env ? flag.env : `--${flag.name}`);
    };
    return {
        input: name,
        set: (input, value) => {
            const flag = FLAGS.find((f) => f.input === input);
            if (!flag)
                return `\`${input}: ${value}\``;
            return flag.kind === 'switch' && value === 'true' ? `--${flag.name}` : `--${flag.name} ${value}`;
        },
        self: 'cloudflare-purge',
        Self: 'cloudflare-purge',
        secret: 'the environment variable',
        passSecret: (input) => {
            const env = FLAGS.find((f) => f.input === input)?.env ?? input;
            return (`exported in the environment: \`read -rs ${env} && export ${env}\` reads it without showing it ` +
                `(a CI system's secret variable works the same way). If it is set but arrives empty, check that it ` +
                'was exported, not only set in the shell.');
        },
        machine: 'machine',
        addressAdvice: "Remove the filter, or add the address this machine reaches Cloudflare from to the token's filter.",
        filesFromBase: 'The path is relative to the current folder; --files-from - reads the URLs from standard input.',
        failedItems: 'failed_items of the --json result',
        debug: 'Run it again with --verbose to see where it happened, and report it with that output.'
    };
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = /*#__PURE__*/JSON.parse('{"rE":"0.1.0","TB":"https://github.com/marketplace/actions/cloudflare-cache-purge"}');
;// CONCATENATED MODULE: ./src/cli/version.ts
// The version printed by --version and sent in the User-Agent, and the documentation's address that --help
// ends with: package.json's, taken in at build time.

const VERSION = package_namespaceObject.rE;
/** Where the documentation is: package.json's homepage. */
const HOMEPAGE = package_namespaceObject.TB;

;// CONCATENATED MODULE: ./src/cli/help.ts
// The text of --help, built from the flag table so that every flag is in it. Pure.


const HEADINGS = {
    what: 'What to purge (repeat a flag, or separate items by newlines or commas; URLs by spaces):',
    where: 'Where:',
    how: 'How:',
    credential: 'Credential, from the environment: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY.\n' +
        'These options work too, but the shell history keeps what they are given.',
    output: 'Output (text for people goes to standard error):'
};
const WIDTH = 20;
function flagLine(f) {
    const name = `--${f.name}${f.arg ? ` ${f.arg}` : ''}`;
    const env = f.env && f.group !== 'credential' ? ` (or ${f.env})` : '';
    return `  ${name.padEnd(WIDTH)}  ${f.help}${env}`;
}
function helpText(version) {
    const sections = Object.keys(HEADINGS).map((group) => [HEADINGS[group], ...FLAGS.filter((f) => f.group === group).map(flagLine)].join('\n'));
    return `cloudflare-purge ${version}: purge Cloudflare's cache from a terminal, a script or any CI system.

Usage: cloudflare-purge [--zone ZONE] WHAT… [options]

${sections.join('\n\n')}

Exit codes:
  0  everything was purged (or the dry run found nothing wrong), or the lists given were empty
  1  something was not purged, or Cloudflare refused the credential or a zone
  2  the command line is wrong: nothing was sent (an unknown option, a mistake in a value)

Examples:
  read -rs CLOUDFLARE_API_TOKEN && export CLOUDFLARE_API_TOKEN   # paste it; not echoed
  cloudflare-purge --zone example.com --files https://example.com/ https://example.com/app.css
  cloudflare-purge --zone example.com --tags release-42,header --dry-run
  cloudflare-purge --hosts www.example.com --prefixes www.example.com/blog/
  git diff --name-only v41 v42 -- public/ | sed 's|^public/|https://example.com/|' |
    cloudflare-purge --zone example.com --files-from -
  cloudflare-purge --zone example.com --everything --json | jq -r .purge_ids

The action's changed_paths (with github_token, base and head) has no option: pipe
the URLs of the changed files into --files-from - instead, as above.

Documentation: ${HOMEPAGE}
`;
}
/** What a command without arguments prints: how to start, in a few lines. */
function usageText() {
    return `Usage: cloudflare-purge [--zone ZONE] --files URL… (or --tags, --hosts, --prefixes, --everything)
The credential comes from CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY).
  cloudflare-purge --zone example.com --files https://example.com/app.css
Every option: cloudflare-purge --help. Documentation: ${HOMEPAGE}
`;
}

// EXTERNAL MODULE: ./src/report/outputs.ts
var report_outputs = __nccwpck_require__(5468);
;// CONCATENATED MODULE: ./src/cli/json.ts


/** The JSON object for the run, every string in it masked. */
function jsonResult(result, findings, redactor) {
    const outputs = (0,report_outputs/* outputsOf */.Yz)(result);
    return masked({
        status: result.status,
        zone_id: outputs.zone_id,
        zones: (0,report_result/* zoneCounts */.XU)(result.zones),
        purge_ids: outputs.purge_ids,
        purged_count: outputs.purged_count,
        failed_count: outputs.failed_count,
        failed_items: (0,report_outputs/* groupFailedItems */.dT)(result.failed),
        verified: result.verify ? (0,report_outputs/* verifiedCounts */.bf)(result.verify) : {},
        findings
    }, redactor);
}
/** Each string masked on its own, so that the JSON text around it stays valid whatever a secret holds. */
function masked(value, redactor) {
    if (typeof value === 'string')
        return redactor.redact(value);
    if (Array.isArray(value))
        return value.map((v) => masked(v, redactor));
    if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, redactor)]));
    return value;
}

// EXTERNAL MODULE: ./src/report/summary.ts + 2 modules
var summary = __nccwpck_require__(7128);
;// CONCATENATED MODULE: ./src/cli/outcome.ts
// The one line a run ends with on the command line: what was purged, where, in how many requests and how
// long. Errors are shown once each, as they happen; this line only counts. Pure.



/** "Purged 2 URLs and 1 tag on example.com: 1 purge request in 0.4 s."; undefined when there is nothing to say. */
function outcomeLine(result) {
    const w = (0,target/* wordsFor */.tu)(result.mode);
    const requests = result.zones.reduce((n, z) => n + z.requests.length, 0);
    const where = (0,summary/* zonesWords */.Zk)(result.zones);
    const time = (0,words/* seconds */.YA)(result.timings.totalMs);
    if (result.status === 'planned') {
        const what = itemWords(result.zones, () => true);
        return `Dry run: ${what} ${where} would take ${(0,words/* count */.U9)(requests, w.request)}; nothing was sent (${time}).`;
    }
    if (result.status !== 'purged')
        return undefined;
    const done = itemWords(result.zones, (r) => r.purgeId !== undefined);
    const failed = result.failed.length;
    const sent = `${(0,words/* count */.U9)(requests, w.request)} in ${time}`;
    if (failed === 0)
        return `${w.Past} ${done} ${where}: ${sent}.`;
    const notDone = `${(0,words/* count */.U9)(failed, 'item')} not ${w.past}`;
    return result.purgedCount === 0
        ? `Nothing was ${w.past} ${where} (${notDone}): ${sent}.`
        : `${w.Past} ${done} ${where}, ${notDone}: ${sent}.`;
}
const TYPES = ['everything', 'files', 'tags', 'hosts', 'prefixes'];
/** "2 URLs and 1 tag", "everything": the items of the requests that `counts` picks, by type. */
function itemWords(zones, counts) {
    const requests = zones.flatMap((z) => z.requests).filter(counts);
    const parts = TYPES.flatMap((type) => {
        const batches = requests.filter((r) => r.batch.type === type);
        const n = batches.reduce((sum, r) => sum + r.batch.items.length, 0);
        return batches.length > 0 ? [(0,words/* countOf */.pq)(type, n)] : [];
    });
    if (parts.length <= 1)
        return parts[0] ?? 'nothing';
    return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

;// CONCATENATED MODULE: ./src/report/safe-text.ts
// Text from outside the program (Cloudflare's answers, GitHub's, a proxy's, a file's) made safe to print,
// at the edges where it leaves: it is shown, never obeyed by the Actions runner or by a terminal. Pure.
//
// The runner reads a line that starts with `::` (after spaces) as a workflow command (`error`,
// `add-mask`, `stop-commands`, https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions),
// and a line that starts with `##[` as one of its older form; a terminal obeys control characters and the
// escape sequences they open (colours, cursor moves, OSC titles and links). So both get each control
// character as a visible escape (`\n`, `\x1b`), which also keeps a line break in the text from starting a
// new line, and the log gets a `\` before a leading `::` or `##[`.

/**
 * C0 controls but the tab, DEL, C1 controls (0x9b opens an escape sequence by itself on some terminals),
 * the Unicode line and paragraph separators, and the bidirectional overrides that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED = { '\n': '\\n', '\r': '\\r' };
/** A line break, as the runner and the tools that read a log split lines. */
const LINE_BREAK = (/* unused pure expression or super */ null && (ANY_LINE_BREAK));
function shown(char) {
    const code = char.charCodeAt(0);
    return NAMED[char] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}
const hex = (code, digits) => code.toString(16).padStart(digits, '0');
/** Every control character, line breaks and escape sequences included, as a visible escape: for a terminal. */
function terminalSafe(text) {
    return text.replace(CONTROLS, shown);
}
/** For the Actions log: one line, its controls escaped, and no workflow command at its start. */
function logSafe(text) {
    return terminalSafe(text).replace(/^(\s*)(::|##\[)/, '$1\\$2');
}
/** For the job summary's HTML, where a line break reads as a space: line breaks as spaces, other controls escaped. */
function summarySafe(text) {
    return terminalSafe(text.replace(new RegExp(LINE_BREAK.source, 'g'), ' '));
}

;// CONCATENATED MODULE: ./src/cli/terminal.ts
// What a person reads on the command line, on standard error, every line through the Redactor: each
// diagnosis once, a progress line, and the line the run ends with; the engine's steps with --verbose.
// A redrawn progress line only on a terminal; colour on a terminal or with FORCE_COLOR (see wantsColour).
// Every text given to it is shown with its control characters escaped (src/report/safe-text.ts) before
// this adds colours of its own: text from Cloudflare or a file never drives the terminal.


/**
 * Never with --no-color. FORCE_COLOR as Node.js reads it (https://nodejs.org/api/cli.html#force_color1-2-3):
 * "1", "2", "3", "true" or empty turn colour on, even in a log and whatever NO_COLOR says; any other value
 * turns it off. Without it: on a terminal, unless NO_COLOR is set and not empty (https://no-color.org/) or
 * TERM is "dumb".
 */
function wantsColour(output, env, noColorFlag) {
    if (noColorFlag)
        return false;
    if (env.FORCE_COLOR !== undefined)
        return ['', '1', '2', '3', 'true'].includes(env.FORCE_COLOR);
    return Boolean(output.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
const SGR = {
    bold: [1, 22],
    dim: [2, 22],
    red: [31, 39],
    yellow: [33, 39],
    cyan: [36, 39],
    green: [32, 39]
};
const LEVEL = { error: 'red', warning: 'yellow', notice: 'cyan' };
class TerminalReporter {
    out;
    redactor;
    options;
    depth = 0;
    progressShown = false;
    /** Every finding reported, as shown (secrets masked), for the JSON result. */
    reported = [];
    constructor(out, redactor, options) {
        this.out = out;
        this.redactor = redactor;
        this.options = options;
    }
    get errorCount() {
        return this.reported.filter((f) => f.severity === 'error').length;
    }
    /** The engine's steps: shown with --verbose only. */
    info(line) {
        if (this.options.verbose)
            this.print(`${'  '.repeat(this.depth)}${terminalSafe(line)}`);
    }
    warning(line) {
        this.print(`${this.paint('yellow', 'warning:')} ${terminalSafe(line)}`);
    }
    notice(line) {
        if (!this.options.quiet)
            this.print(`${this.paint('cyan', 'notice:')} ${terminalSafe(line)}`);
    }
    debug(line) {
        if (this.options.verbose)
            this.print(this.paint('dim', `debug: ${terminalSafe(line)}`));
    }
    /**
     * How often the engine sends a progress line: each second on a terminal, where it is redrawn in place;
     * every 10 s in a log (a CI job's), where each is a line of its own.
     */
    get progressEveryMs() {
        return this.out.isTTY ? 1000 : (this.options.logProgressEveryMs ?? 10_000);
    }
    /** Redrawn in place on a terminal; elsewhere a line. Not with --quiet. */
    progress(line) {
        if (this.options.quiet)
            return;
        if (!this.out.isTTY) {
            this.print(`${this.options.verbose ? '  '.repeat(this.depth) : ''}${terminalSafe(line)}`);
            return;
        }
        const text = `${'  '.repeat(this.depth)}${terminalSafe(this.redactor.redact(line))}`;
        this.write(`\r\x1b[2K${text.slice(0, this.width() - 1)}`);
        this.progressShown = true;
    }
    async group(name, work) {
        if (this.options.verbose)
            this.print(this.paint('bold', terminalSafe(name)));
        this.depth++;
        try {
            return await work();
        }
        finally {
            this.depth--;
        }
    }
    findings(findings) {
        for (const f of findings) {
            const shown = {
                id: f.id,
                severity: f.severity,
                title: this.redactor.redact((0,catalogue/* heading */.R_)(f, this.options.door)),
                message: this.redactor.redact((0,catalogue/* render */.XX)(f, this.options.door))
            };
            this.reported.push(shown);
            if (this.options.quiet && f.severity === 'notice')
                continue;
            this.clearProgress();
            for (const line of this.findingLines(shown))
                this.write(`${line}\n`);
        }
    }
    /** A line of its own, such as the hint after a usage error. */
    line(text) {
        this.print(terminalSafe(text));
    }
    /** The finding, already masked and in the command line's words: its level and title, then the message. */
    findingLines(f) {
        const level = this.paint(LEVEL[f.severity], `${f.severity}:`);
        return [
            `${level} ${this.paint('bold', terminalSafe(f.title))}`,
            ...this.wrap(terminalSafe(f.message), '  ')
        ];
    }
    print(line) {
        this.clearProgress();
        this.write(`${this.redactor.redact(line)}\n`);
    }
    clearProgress() {
        if (!this.progressShown)
            return;
        this.write('\r\x1b[2K');
        this.progressShown = false;
    }
    /** Where every piece of text leaves for the terminal, already masked: the one writer. */
    write(text) {
        this.out.write(text);
    }
    paint(style, text) {
        if (!this.options.colour)
            return text;
        const [on, off] = SGR[style];
        return `\x1b[${on}m${text}\x1b[${off}m`;
    }
    /** On a terminal, words wrapped to its width; elsewhere one line, as the action writes it. */
    wrap(text, indent) {
        if (!this.out.isTTY)
            return [`${indent}${text}`];
        return wrapWords(text, Math.min(this.width(), 100) - indent.length).map((l) => `${indent}${l}`);
    }
    /** The terminal's width; 80 when it does not say (0 from some pseudo-terminals). */
    width() {
        return Math.max(this.out.columns || 80, 40);
    }
}
/** Words in lines of at most `width` characters; a longer word (a URL) stands on a line of its own. */
function wrapWords(text, width) {
    const lines = [];
    let line = '';
    for (const word of text.split(/ +/)) {
        if (line && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        }
        else
            line = line ? `${line} ${word}` : word;
    }
    if (line || lines.length === 0)
        lines.push(line);
    return lines;
}

;// CONCATENATED MODULE: ./src/cli/main.ts
// The command line's order of work: read the flags and the environment → check them as the action
// checks its inputs → run the engine → print the summary (and, with --json, the result) → the exit code.
// The second edge over src/engine.ts, beside the action's (src/main.ts); no Actions toolkit here.















/** Documented in docs/cli.md and --help. */
const EXIT = { ok: 0, notPurged: 1, usage: 2 };
const USER_AGENT = `cloudflare-purge/${VERSION} (command line; +${HOMEPAGE})`;
/** Runs one command and returns its exit code; never throws. */
async function runCli(io) {
    const startedAt = Date.now();
    if (io.args.length === 0) {
        io.stderr.write(usageText());
        return EXIT.usage;
    }
    const line = parseCommandLine(io.args, io.env);
    if (line.help) {
        io.stdout.write(helpText(VERSION));
        return EXIT.ok;
    }
    if (line.version) {
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
    }
    const redactor = new Redactor(secretsOf(line, io.env));
    const reporter = new TerminalReporter(io.stderr, redactor, {
        door: commandLineDoor(line.sources),
        colour: wantsColour(io.stderr, io.env, line.noColor),
        quiet: line.quiet,
        verbose: line.verbose,
        ...logProgressInterval(io.env)
    });
    const finish = (result, code) => {
        // One line to end with; --quiet keeps it only when something went wrong.
        const outcome = outcomeLine(result);
        if (outcome && (!line.quiet || code !== EXIT.ok))
            reporter.line(outcome);
        if (line.json)
            io.stdout.write(`${JSON.stringify(jsonResult(result, reporter.reported, redactor))}\n`);
        return code;
    };
    if (line.errors.length > 0) {
        const findings = line.errors.map(usageError);
        reporter.findings(findings);
        reporter.line('Run cloudflare-purge --help for the options.');
        return finish((0,report_result/* stoppedRun */.Ps)(findings, startedAt), EXIT.usage);
    }
    if (line.credentialFlags.length > 0)
        reporter.findings([credentialFlagWarning(line.credentialFlags)]);
    for (const note of line.notes)
        reporter.notice(note);
    try {
        const stdin = line.raw.files_from?.trim() === '-' ? await readStdin(io, reporter) : undefined;
        const parsed = parseSettings(line.raw, {
            readFile: (path) => (path === '-' && stdin ? stdin() : (0,external_node_fs_namespaceObject.readFileSync)((0,external_node_path_namespaceObject.resolve)(io.cwd, path)))
        });
        reporter.findings(parsed.warnings);
        if (!parsed.settings) {
            reporter.findings(parsed.errors);
            // As the action: the valid items asked are listed as not purged.
            return finish((0,report_result/* stoppedRun */.Ps)(parsed.errors, startedAt, parsed.requested), EXIT.usage);
        }
        for (const text of describeSettings(parsed.settings))
            reporter.info(withSource(text, line));
        // Loaded only now: the engine brings undici, most of the start-up time, which --help,
        // --version and a mistake in the flags do without.
        const { purgeCache } = await Promise.all(/* import() */[__nccwpck_require__.e(752), __nccwpck_require__.e(325)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3325));
        const result = await purgeCache(parsed.settings, { userAgent: USER_AGENT, startedAt }, reporter);
        const failed = result.status === 'stopped' || result.failed.length > 0 || reporter.errorCount > 0;
        return finish(result, failed ? EXIT.notPurged : EXIT.ok);
    }
    catch (error) {
        // The engine never throws; this is a bug here, explained in one line, the stack with --verbose.
        reporter.debug(error instanceof Error ? (error.stack ?? error.message) : String(error));
        const finding = {
            id: 'unexpected-error',
            severity: 'error',
            title: 'Unexpected failure',
            message: `cloudflare-purge stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}. Run it again with --verbose and report the output.`
        };
        reporter.findings([finding]);
        return finish((0,report_result/* stoppedRun */.Ps)([finding], startedAt), EXIT.notPurged);
    }
}
/** The tests' interval between progress lines in a log (docs/cli.md, developer notes); not for users. */
const PROGRESS_INTERVAL_VARIABLE = 'CLOUDFLARE_PURGE_TEST_PROGRESS_MS';
function logProgressInterval(env) {
    const ms = Number(env[PROGRESS_INTERVAL_VARIABLE] ?? '');
    return Number.isInteger(ms) && ms > 0 ? { logProgressEveryMs: ms } : {};
}
/**
 * Every form of every credential given, those a flag overrode in the environment too, and a password in a
 * proxy's URL or --api-url: none may be printed.
 */
function secretsOf(line, env) {
    const secret = FLAGS.filter((f) => f.group === 'credential');
    const values = secret.flatMap((f) => [line.raw[f.input], f.env ? env[f.env] : undefined]);
    return [
        ...values.flatMap((value) => (value?.trim() ? secretForms(value) : [])),
        ...(0,proxy/* proxySecrets */.Wm)(env),
        ...(0,canonical_url/* userinfoSecrets */.zC)(line.raw.api_url ?? '')
    ];
}
function usageError(message) {
    return { id: 'command-line', severity: 'error', title: 'Invalid command line', message };
}
function credentialFlagWarning(flags) {
    const envs = FLAGS.filter((f) => flags.includes(`--${f.name}`) || (flags.includes('--global-key') && f.name === 'email'))
        .map((f) => f.env)
        .join(' and ');
    return {
        id: 'credential-in-arguments',
        severity: 'warning',
        title: 'Credential given on the command line',
        message: `${flags.join(' and ')} ${flags.length === 1 ? 'puts' : 'put'} the credential in your shell's history, and in the ` +
            'process list that other users of this machine can read while the command runs. Set ' +
            `${envs} in the environment instead, for example from a password manager or your CI system's secret variables.`
    };
}
/** "Credential: API token, from CLOUDFLARE_API_TOKEN": where the credential was taken from. */
function withSource(text, line) {
    if (!text.startsWith('Credential: '))
        return text;
    const input = line.raw.api_token?.trim() ? 'api_token' : 'global_key';
    const from = line.sources[input];
    return from ? `${text}, from ${from}` : text;
}
/** Standard input, read once: a function that returns it, or throws what reading it threw. */
async function readStdin(io, reporter) {
    if (io.stdinIsTTY)
        reporter.line('Reading URLs from standard input, one per line; end with Ctrl-D.');
    try {
        const text = await io.readStdin();
        return () => text;
    }
    catch (error) {
        return () => {
            throw error;
        };
    }
}


/***/ }),

/***/ 3550:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   W1: () => (/* binding */ ApiBudget),
/* harmony export */   bR: () => (/* binding */ parseRateLimitHeaders),
/* harmony export */   i_: () => (/* binding */ OverBudgetError)
/* harmony export */ });
/* unused harmony exports GLOBAL_API_LIMIT, KEEP_FOR_OTHERS, FIRST_WAVE, parseFieldList */
// The credential's API-wide request budget: 1,200 requests per 5 minutes per user or token, shared by
// every call (verify, zone lookups, environments, purges) and by every other tool of the account; going
// over blocks all of them for 5 minutes (https://developers.cloudflare.com/fundamentals/api/reference/limits/).
// Read from the `Ratelimit` and `Ratelimit-Policy` headers of every answer when they are there (Cloudflare's
// changelog, 2025-09-03), counted from the run's own calls when they are not. Pure: the clock is given.
/** Cloudflare's documented limit, counted against when the answers carry no headers. */
const GLOBAL_API_LIMIT = { requests: 1200, windowMs: 300_000 };
/** The share of the quota left to the account's other tools (60 of 1,200). */
const KEEP_FOR_OTHERS = 0.05;
/**
 * Requests that may go before any answer has said what is left: a run's opening calls (the credential
 * check beside the zone look-ups) go together, so that a run spends one round trip on them, not two.
 * Going blind costs at most this many of the 60 kept for others; with fewer than this left in the window
 * even one blind call could meet the limit.
 */
const FIRST_WAVE = 8;
/**
 * The items of an IETF structured-field list (RFC 8941): `name;key=value;key=value, name2;…`. Names may
 * be tokens or quoted strings; only integer and decimal parameters are kept. Garbled items are dropped.
 */
function parseFieldList(value) {
    const items = [];
    for (const member of splitOutsideQuotes(value, ',')) {
        const [head, ...rest] = splitOutsideQuotes(member, ';').map((part) => part.trim());
        if (!head)
            continue;
        const name = /^"(.*)"$/.exec(head)?.[1] ?? head;
        const params = new Map();
        for (const param of rest) {
            const match = /^([a-z*][a-z0-9_.*-]*)=(-?\d+(?:\.\d+)?)$/.exec(param);
            if (match)
                params.set(match[1], Number(match[2]));
        }
        items.push({ name, params });
    }
    return items;
}
function splitOutsideQuotes(text, separator) {
    const parts = [];
    let quoted = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\\' && quoted)
            i++;
        else if (c === '"')
            quoted = !quoted;
        else if (c === separator && !quoted) {
            parts.push(text.slice(start, i));
            start = i + 1;
        }
    }
    parts.push(text.slice(start));
    return parts;
}
/**
 * The figures of the most constrained limit the answer names: the item of `Ratelimit` with the fewest
 * requests left, and the `Ratelimit-Policy` item of the same name (else the only one). Undefined when
 * `Ratelimit` is absent or says nothing readable.
 */
function parseRateLimitHeaders(headers) {
    const text = (name) => {
        const value = headers[name];
        return Array.isArray(value) ? value.join(', ') : (value ?? '');
    };
    const limits = parseFieldList(text('ratelimit'))
        .map(({ name, params }) => ({ name, remaining: params.get('r'), reset: params.get('t') ?? 0 }))
        .filter((l) => l.remaining !== undefined)
        .filter((l) => l.remaining >= 0 && l.reset >= 0);
    const tightest = limits.sort((a, b) => a.remaining - b.remaining)[0];
    if (!tightest)
        return undefined;
    const policies = parseFieldList(text('ratelimit-policy'));
    const policy = policies.find((p) => p.name === tightest.name) ?? (policies.length === 1 ? policies[0] : undefined);
    const quota = policy?.params.get('q');
    const windowSeconds = policy?.params.get('w');
    return {
        remaining: Math.floor(tightest.remaining),
        resetSeconds: tightest.reset,
        ...(quota !== undefined && quota > 0 ? { quota } : {}),
        ...(windowSeconds !== undefined && windowSeconds > 0 ? { windowSeconds } : {})
    };
}
/**
 * An API call held back by the credential's API-wide budget: sending it would have spent the part kept
 * for the account's other tools, and the window frees up only after the time allowed by `timeout`.
 */
class OverBudgetError extends Error {
    endpoint;
    budget;
    constructor(endpoint, budget) {
        super(`not sent: Cloudflare's API request limit (${budget.quota} per ${budget.windowSeconds} s) frees up in ` +
            `${budget.freesInSeconds} s, after the time allowed by \`timeout\``);
        this.endpoint = endpoint;
        this.budget = budget;
        this.name = 'OverBudgetError';
    }
}
/**
 * Decides whether one more request may go without spending the part of the budget kept for others.
 * Nothing is known before the first answer: up to FIRST_WAVE requests go to read the figure. With the
 * headers: what the latest answer said was left, less the requests sent since the one it answered and
 * those granted but not yet sent; once the window frees up (t), one request goes alone to read the new
 * figure. Without them: the run's own calls in the last window against the documented limit.
 */
class ApiBudget {
    now;
    sent = 0;
    inFlight = 0;
    /** Requests that were answered (with or without the headers), as opposed to failing on the way. */
    answers = 0;
    /** Granted to a request that has not gone yet. */
    granted = 0;
    own = [];
    seen;
    constructor(now = () => performance.now()) {
        this.now = now;
    }
    /** A request goes now; returns its number, to hand back to `answered`. */
    sending() {
        if (this.granted > 0)
            this.granted--;
        this.inFlight++;
        const t = this.now();
        this.own.push(t);
        this.forget(t);
        return ++this.sent;
    }
    /** Drops the run's own calls older than the window: they no longer count. */
    forget(t) {
        while (this.own.length > 0 && this.own[0] <= t - GLOBAL_API_LIMIT.windowMs)
            this.own.shift();
    }
    /** The request numbered `index` was answered, with the headers read from the answer, if any. */
    answered(index, headers) {
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.answers++;
        if (!headers)
            return;
        const quota = headers.quota ?? this.seen?.quota ?? GLOBAL_API_LIMIT.requests;
        const windowMs = (headers.windowSeconds ?? 0) * 1000 || this.seen?.windowMs || GLOBAL_API_LIMIT.windowMs;
        this.seen = {
            remaining: headers.remaining,
            index,
            resetAt: this.now() + headers.resetSeconds * 1000,
            quota,
            windowMs
        };
    }
    /** The request numbered `index` failed without an answer (the network, a timeout, a cancellation). */
    unanswered() {
        this.inFlight = Math.max(0, this.inFlight - 1);
    }
    /** Before the first answer nothing is known: at most the first wave goes to read the figure. */
    get awaitingFirstAnswer() {
        return this.answers === 0 && this.inFlight + this.granted >= FIRST_WAVE;
    }
    /**
     * Whether a request may have to wait only for the answer of one in flight, not for the window: before
     * the first answer, or once the window the last answer named has freed up. Such a wait ends when that
     * request ends, within its own time limit; it says nothing of the budget running out.
     */
    get awaitingAnswer() {
        if (this.answers === 0)
            return this.awaitingFirstAnswer;
        return this.seen !== undefined && this.now() >= this.seen.resetAt;
    }
    /** Whether any answer carried the headers. */
    get readsHeaders() {
        return this.seen !== undefined;
    }
    /** The fewest requests the run may yet send now, the part kept for others left aside. */
    available() {
        if (this.answers === 0)
            return Math.max(0, FIRST_WAVE - this.inFlight - this.granted);
        const t = this.now();
        const seen = this.seen;
        if (seen) {
            const left = seen.remaining - (this.sent - seen.index) - this.granted - this.kept(seen.quota);
            if (left > 0)
                return left;
            // The window has freed up since: one request, alone, reads how much.
            return t >= seen.resetAt && this.inFlight === 0 && this.granted === 0 ? 1 : 0;
        }
        const { requests } = GLOBAL_API_LIMIT;
        this.forget(t);
        return requests - this.kept(requests) - this.own.length - this.granted;
    }
    /** Grants one request and returns 0, or returns the milliseconds until one may be granted. */
    reserve() {
        if (this.available() > 0) {
            this.granted++;
            return 0;
        }
        return this.state().freesInMs;
    }
    /** Gives back a grant whose request did not go. */
    refund() {
        if (this.granted > 0)
            this.granted--;
    }
    /** The limit and when it frees up, for a run that stops on it. */
    state() {
        const t = this.now();
        const seen = this.seen;
        if (seen) {
            // Answered but not yet freed: the next look is at the reset, or as soon as the lone request is answered.
            const freesInMs = t < seen.resetAt ? seen.resetAt - t : POLL_MS;
            return {
                quota: seen.quota,
                windowSeconds: Math.round(seen.windowMs / 1000),
                kept: this.kept(seen.quota),
                freesInMs,
                fromHeaders: true
            };
        }
        const { requests, windowMs } = GLOBAL_API_LIMIT;
        const oldest = this.own[0] ?? t;
        return {
            quota: requests,
            windowSeconds: windowMs / 1000,
            kept: this.kept(requests),
            // Before the first answer, the next look is as soon as the lone request is answered.
            freesInMs: this.awaitingFirstAnswer ? POLL_MS : Math.max(POLL_MS, oldest + windowMs - t),
            fromHeaders: false
        };
    }
    /** The error of a call held back because the budget frees up only after the deadline. */
    heldBack(endpoint) {
        const { quota, windowSeconds, kept, freesInMs } = this.state();
        return new OverBudgetError(endpoint, {
            quota,
            windowSeconds,
            kept,
            freesInSeconds: Math.ceil(freesInMs / 1000)
        });
    }
    kept(quota) {
        return Math.ceil(quota * KEEP_FOR_OTHERS);
    }
}
/** How soon to look again while a request alone reads the window's new figure. */
const POLL_MS = 50;


/***/ }),

/***/ 7640:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Oi: () => (/* binding */ CloudflareError),
/* harmony export */   QA: () => (/* binding */ ANSWER_TOO_LARGE),
/* harmony export */   cc: () => (/* binding */ CancelledError),
/* harmony export */   sV: () => (/* binding */ describeMessages)
/* harmony export */ });
// The one error type the Cloudflare client throws, carrying what the diagnosis needs.
/** The code of an answer over 1 MiB: no answer of Cloudflare's API is that large, and none is retried. */
const ANSWER_TOO_LARGE = 'ANSWER_TOO_LARGE';
class CloudflareError extends Error {
    kind;
    /** `GET /zones/…`: method and path, never the query or a credential. */
    endpoint;
    status;
    /** Every error entry, nested error_chain entries included, in order. */
    errors;
    /** How long Cloudflare asked to wait (429). */
    retryAfterMs;
    /** How many attempts were made before giving up. */
    attempts = 1;
    /** The system or undici error code behind a network failure (ENOTFOUND, ECONNRESET, …). */
    code;
    /**
     * Set when Cloudflare asked to wait (Retry-After) longer than the `timeout` left: how much time was
     * left, so that the message can say both rather than "kept answering 429".
     */
    timeLeftMs;
    constructor(init) {
        super(init.message);
        this.name = 'CloudflareError';
        this.kind = init.kind;
        this.endpoint = init.endpoint;
        if (init.status !== undefined)
            this.status = init.status;
        this.errors = flatten(init.errors ?? []);
        if (init.retryAfterMs !== undefined)
            this.retryAfterMs = init.retryAfterMs;
        if (init.code !== undefined)
            this.code = init.code;
    }
    hasCode(...codes) {
        return this.errors.some((e) => codes.includes(e.code));
    }
    /** Cloudflare's own words, e.g. `HTTP 403 on GET /zones/…: 10000 Authentication error`. */
    describe() {
        const where = `${this.status !== undefined ? `HTTP ${this.status} ` : ''}on ${this.endpoint}`;
        if (this.errors.length === 0)
            return `${this.message} (${where})`;
        const codes = this.errors.map((e) => `${e.code} ${e.message}`).join('; ');
        return `${codes} (${where})`;
    }
}
/**
 * A call given up because the run's outcome was already decided elsewhere (a refused credential, a
 * zone that may not be purged, the end of the run): never reported as a failure of its own.
 */
class CancelledError extends Error {
    endpoint;
    constructor(endpoint) {
        super(`cancelled${endpoint ? ` (${endpoint})` : ''}: the outcome of the run was already decided`);
        this.endpoint = endpoint;
        this.name = 'CancelledError';
    }
}
/** Cloudflare's messages with their nested error_chain entries, in order, as `code message`. */
function describeMessages(messages) {
    return flatten(messages)
        .map((e) => `${e.code} ${e.message}`)
        .join('; ');
}
function flatten(errors) {
    const out = [];
    const visit = (list) => {
        if (!Array.isArray(list))
            return;
        for (const e of list) {
            if (e === null || typeof e !== 'object')
                continue;
            out.push({ code: Number(e.code ?? 0), message: String(e.message ?? '') });
            visit(e.error_chain);
        }
    };
    visit(errors);
    return out;
}


/***/ }),

/***/ 3977:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ee: () => (/* binding */ isHostInZone),
/* harmony export */   Eq: () => (/* binding */ toAsciiHostname),
/* harmony export */   a9: () => (/* binding */ withoutRootDot),
/* harmony export */   cW: () => (/* binding */ isLoopbackHost),
/* harmony export */   io: () => (/* binding */ candidateZoneNames)
/* harmony export */ });
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3136);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_url__WEBPACK_IMPORTED_MODULE_0__);
// Hostname helpers: validation, IDN to ASCII, and the parent names a hostname may belong to.

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/**
 * The one rule for a trailing dot: `example.com.` is the fully qualified form of `example.com` (RFC 1034,
 * section 3.1), the same host, so zone lookups and zone matching drop it. One dot only: `example.com..` is
 * not a name.
 */
function withoutRootDot(host) {
    return host.endsWith('.') ? host.slice(0, -1) : host;
}
/**
 * The ASCII (punycode) form of a hostname in lower case, or undefined when it is not a valid
 * DNS name of at least two labels.
 */
function toAsciiHostname(value) {
    const trimmed = withoutRootDot(value.trim());
    if (trimmed === '' || /[\s/:?#@\\[\]*]/.test(trimmed))
        return undefined;
    const ascii = (0,node_url__WEBPACK_IMPORTED_MODULE_0__.domainToASCII)(trimmed.toLowerCase());
    if (ascii === '' || ascii.length > 253)
        return undefined;
    const labels = ascii.split('.');
    if (labels.length < 2 || !labels.every((l) => LABEL.test(l)))
        return undefined;
    if (/^\d+$/.test(labels[labels.length - 1] ?? ''))
        return undefined; // an IP address, not a name
    return ascii;
}
/** The name and its parents, most specific first, stopping before the top-level domain. */
function candidateZoneNames(hostname) {
    const labels = hostname.split('.');
    const names = [];
    for (let i = 0; i <= labels.length - 2; i++)
        names.push(labels.slice(i).join('.'));
    return names;
}
/** True when `host` is `zoneName` or one of its subdomains. */
function isHostInZone(host, zoneName) {
    const h = withoutRootDot(host.toLowerCase());
    const z = withoutRootDot(zoneName.toLowerCase());
    return h === z || h.endsWith(`.${z}`);
}
function isLoopbackHost(hostname) {
    const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}


/***/ }),

/***/ 3827:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   GK: () => (/* binding */ describeProxy),
/* harmony export */   UR: () => (/* binding */ chooseProxy),
/* harmony export */   Wm: () => (/* binding */ proxySecrets)
/* harmony export */ });
/* unused harmony export noProxyMatch */
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6248);
/* harmony import */ var _hostnames_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3977);
// Which proxy, if any, carries the requests to the API: HTTPS_PROXY / HTTP_PROXY / NO_PROXY read the
// way GitHub's Actions toolkit reads them (its http-client package) on self-hosted runners. Pure.


const HTTPS_VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];
const HTTP_VARS = ['http_proxy', 'HTTP_PROXY'];
/**
 * The proxy for requests to `target`. For https the HTTPS_PROXY variables come first and HTTP_PROXY
 * serves as a fallback (as undici and many runners' setups expect); lower case wins over upper case.
 * Loopback hosts are never proxied. NO_PROXY holds host names, domains (`example.com` and
 * `.example.com` both cover the subdomains), `host:port`, IP addresses, or `*`.
 */
function chooseProxy(target, env) {
    const url = new URL(target);
    const names = url.protocol === 'https:' ? HTTPS_VARS : HTTP_VARS;
    const from = names.find((name) => (env[name] ?? '').trim() !== '');
    if (!from)
        return {};
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if ((0,_hostnames_js__WEBPACK_IMPORTED_MODULE_1__/* .isLoopbackHost */ .cW)(host))
        return { from, note: `${from} is set, but ${host} is a loopback address` };
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const bypass = noProxyMatch(host, port, env.no_proxy || env.NO_PROXY || '');
    if (bypass)
        return { from, note: `${from} is set, but NO_PROXY lists ${bypass}` };
    const value = (env[from] ?? '').trim();
    let proxy;
    try {
        proxy = new URL(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .URL_SCHEME */ .cr.test(value) ? value : `http://${value}`);
    }
    catch {
        return { from, note: `${from} is set but is not a URL, so it is not used` };
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
        return {
            from,
            note: `${from} uses ${proxy.protocol.slice(0, -1)}://, which is not supported (only http:// and https:// proxies)`
        };
    }
    return { proxy, from };
}
/** The NO_PROXY entry that covers host:port, if any. */
function noProxyMatch(host, port, noProxy) {
    for (const raw of noProxy.split(/[,\s]+/)) {
        const entry = raw.trim().toLowerCase();
        if (entry === '')
            continue;
        if (entry === '*')
            return entry;
        // host, host:port, [v6], [v6]:port, or a bare IPv6 address (whose colons are not a port).
        const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
        const withPort = bracketed ? undefined : /^([^:]+):(\d+)$/.exec(entry);
        const entryPort = bracketed?.[2] ?? withPort?.[2];
        if (entryPort !== undefined && Number(entryPort) !== port)
            continue;
        const name = (bracketed?.[1] ?? withPort?.[1] ?? entry).replace(/^\*?\./, '');
        if (name !== '' && (host === name || host.endsWith(`.${name}`)))
            return raw.trim();
    }
    return undefined;
}
/** The proxy as it may be shown: scheme, host and port, never its credentials. */
function describeProxy(proxy) {
    return `${proxy.protocol}//${proxy.host}`;
}
/** Credentials written into proxy variables, to be masked like the inputs' secrets. */
function proxySecrets(env) {
    const out = new Set();
    for (const name of new Set([...HTTPS_VARS, ...HTTP_VARS])) {
        const value = (env[name] ?? '').trim();
        if (!value)
            continue;
        try {
            const url = new URL(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .URL_SCHEME */ .cr.test(value) ? value : `http://${value}`);
            if (!url.password)
                continue;
            out.add(url.password);
            out.add((0,_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .safeDecode */ .ex)(url.password));
            out.add(value);
        }
        catch {
            // Not a URL: it is not used, and there is nothing in it to tell apart as a password.
        }
    }
    return [...out].filter((s) => s.length > 0);
}


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   q5: () => (/* binding */ namedItems),
/* harmony export */   rN: () => (/* binding */ classifyRefusal)
/* harmony export */ });
/* unused harmony exports CREDENTIAL_REFUSAL_CODES, ZONE_REFUSAL_CODES, TYPE_REFUSAL_CODES, TOO_MANY_ITEMS_CODES, isTooManyItems, limitFromWords */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7640);
// What a refused purge request is about, from Cloudflare's codes and words: the credential, the zone,
// the size of the request, or one of its items. The runner decides from it whether to stop, split or
// isolate. Pure.

/**
 * The credential refused whatever it asks: 1000 "Invalid API Token", 9103 "Unknown X-Auth-Key or
 * X-Auth-Email", 9106 "Missing X-Auth-Key, X-Auth-Email or Authorization headers", 9109 "Invalid access
 * token" (revoked, expired, IP filter) and 6003 "Invalid request headers" (6111, 6102 or 6103 in its
 * chain). Observed in Cloudflare's answers; emulator/README.md ("Authentication, in this order") records
 * each as Cloudflare sends it.
 */
const CREDENTIAL_REFUSAL_CODES = [1000, 6003, 6102, 6103, 6111, 9103, 9106, 9109];
/**
 * The zone refused to this credential: 10000 "Authentication error" (no Cache Purge on this zone, the zone
 * outside the token's resources, or not a zone of this account) and 7003 / 7000 "Could not route to
 * /zones/…" (no such zone). Observed the same way.
 */
const ZONE_REFUSAL_CODES = [10000, 7003, 7000];
/**
 * A kind of request the zone refuses whatever its items: 1136, invalidating by URL an environment that
 * selects requests by IP, country, ASN or threat score (Cloudflare's API reference, "Invalidate Cached
 * Content by Environment").
 */
const TYPE_REFUSAL_CODES = [1136];
/**
 * Too many items in one request: 1094 (files), 1101 (tags) and 1111 (hosts) are the codes API users
 * reported before 2025, with "Exceeded maximum amount of N files that can be purged on a single request".
 * Today's codes are not documented, so the words count as much as the codes.
 */
const TOO_MANY_ITEMS_CODES = [1094, 1101, 1111];
const ITEM_NOUNS = '(?:files|urls|tags|hosts|hostnames|prefixes|items|cache keys|keys)';
/**
 * Words of a size refusal. Cloudflare's message since April 2025 says that no more than 100 items may be
 * given (https://github.com/cloudflare/cloudflare-docs/issues/21338); the older one "Exceeded maximum amount
 * of N files". Each pattern is about a count of items, so that "URL length exceeds the maximum allowed"
 * (about one item) never reads as one.
 */
const TOO_MANY_WORDS = [
    new RegExp(`\\btoo many ${ITEM_NOUNS}\\b`, 'i'),
    /\b(?:no|not) more than \d+\b/i,
    new RegExp(`\\bmore than \\d+ ${ITEM_NOUNS}\\b`, 'i'),
    /\bmaximum (?:amount|number) of \d+\b/i,
    new RegExp(`\\b(?:only|up to|at most) \\d+ (?:${ITEM_NOUNS} )?(?:are|is|may be|can be) (?:allowed|permitted|accepted)`, 'i'),
    new RegExp(`\\b${ITEM_NOUNS} per (?:single )?request\\b`, 'i')
];
/** The number in a size refusal: "no more than 100", "maximum amount of 30", "only 30 are allowed". */
const LIMIT_WORDS = [
    /\bmore than (\d+)\b/i,
    /\bmaximum (?:amount|number) of (\d+)\b/i,
    /\b(?:only|up to|at most) (\d+)\b/i,
    /\blimit(?: is| of)? (\d+)\b/i
];
/**
 * Words of a refusal about an item. "Unable to purge /testing/test, which is an invalid URL." is
 * Cloudflare's (https://github.com/cloudflare/cloudflare-docs/issues/25277), as is "Unable to purge
 * feeds.example.com. You can only purge files for this zone." (code 1082, with 1016 "One or more cache
 * purge errors": https://github.com/cloudflare/Cloudflare-WordPress/issues/429). The others name an item
 * kind as invalid or too long, which a request as a whole never is.
 */
const ITEM_WORDS = [
    /\bunable to purge\b/i,
    /\binvalid (?:url|uri|tag|host|hostname|prefix)\b/i,
    /\b(?:url|uri|tag|host|hostname|prefix) (?:is )?too long\b/i,
    /\b(?:url|uri|tag|prefix) length exceeds\b/i
];
/** What a failed purge request was refused for, or undefined when it is none of these (a 5xx, a 429, …). */
function classifyRefusal(error, items = []) {
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CloudflareError */ .Oi) || error.kind !== 'api')
        return undefined;
    if (error.hasCode(...CREDENTIAL_REFUSAL_CODES) || error.status === 401)
        return { about: 'credential' };
    if (error.hasCode(...ZONE_REFUSAL_CODES))
        return { about: 'zone' };
    if (error.hasCode(...TYPE_REFUSAL_CODES))
        return { about: 'type' };
    if (error.status !== 400)
        return undefined;
    const words = error.errors.map((e) => e.message);
    if (isTooManyItems(error)) {
        const limit = limitFromWords(words);
        return limit !== undefined ? { about: 'size', limit } : { about: 'size' };
    }
    if (words.some((w) => ITEM_WORDS.some((p) => p.test(w))))
        return { about: 'item' };
    // A message that quotes one of the request's items is about that item.
    if (items.some((item) => item.length >= 3 && words.some((w) => w.includes(item))))
        return { about: 'item' };
    return undefined;
}
/** A 400 whose code or words say the request carried more items than Cloudflare takes. */
function isTooManyItems(error) {
    return (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CloudflareError */ .Oi &&
        error.kind === 'api' &&
        error.status === 400 &&
        (error.hasCode(...TOO_MANY_ITEMS_CODES) ||
            error.errors.some((e) => TOO_MANY_WORDS.some((p) => p.test(e.message)))));
}
/** The number of items Cloudflare says it takes, when its message has one. */
function limitFromWords(messages) {
    for (const message of messages) {
        for (const pattern of LIMIT_WORDS) {
            const match = pattern.exec(message);
            const n = match ? Number(match[1]) : NaN;
            if (Number.isInteger(n) && n >= 1)
                return n;
        }
    }
    return undefined;
}
/**
 * The sent items that Cloudflare's answer names, each with the messages that name it: Cloudflare's 400
 * to a purge quotes the item it refuses ("Unable to purge 'https://…'.", "Unable to purge /x, which is an
 * invalid URL."), one error per item, nested in error_chain or not (cloudflare-docs issue 25277,
 * Cloudflare-WordPress issue 429). Matched on the item's text as sent, never on a code. An item counts as
 * named only where the text around it ends it: "…/1.js" is not named by a message quoting "…/1.jsx".
 */
function namedItems(error, items) {
    const named = new Map();
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CloudflareError */ .Oi) || error.kind !== 'api' || error.status !== 400)
        return named;
    for (const message of error.errors) {
        for (const item of new Set(items)) {
            if (item.length < 3 || !quotes(message.message, item))
                continue;
            named.set(item, [...(named.get(item) ?? []), message]);
        }
    }
    return named;
}
/** Whether `text` holds `item` standing alone: not glued to more of a URL, tag or host on either side. */
function quotes(text, item) {
    for (let at = text.indexOf(item); at >= 0; at = text.indexOf(item, at + 1)) {
        const before = text[at - 1];
        const after = text.slice(at + item.length, at + item.length + 2);
        const startsAlone = before === undefined || /[\s'"`(<[{,:=]/.test(before);
        // A full stop or comma ends the item when the sentence goes on (or ends) after it.
        const endsAlone = after === '' || /^[\s'"`)>\]},;]/.test(after) || /^[.,:!?](?:\s|$)/.test(after);
        if (startsAlone && endsAlone)
            return true;
    }
    return false;
}


/***/ }),

/***/ 5752:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   R_: () => (/* binding */ heading),
/* harmony export */   XX: () => (/* binding */ render),
/* harmony export */   h4: () => (/* binding */ diagnose),
/* harmony export */   mG: () => (/* binding */ tallied),
/* harmony export */   sW: () => (/* binding */ catalogue)
/* harmony export */ });
/* unused harmony exports describeWait, shortDuration */
/* harmony import */ var _words_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5846);
/* harmony import */ var _door_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6801);


const DOCS = {
    createToken: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    accountTokens: 'https://developers.cloudflare.com/fundamentals/api/get-started/account-owned-tokens/',
    keys: 'https://developers.cloudflare.com/fundamentals/api/get-started/keys/',
    ids: 'https://developers.cloudflare.com/fundamentals/setup/find-account-and-zone-ids/',
    purge: 'https://developers.cloudflare.com/cache/how-to/purge-cache/',
    purgeFiles: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-single-file/',
    purgePrefix: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge_by_prefix/',
    purgeTags: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/',
    limits: 'https://developers.cloudflare.com/fundamentals/api/reference/limits/',
    originCa: 'https://developers.cloudflare.com/ssl/origin-configuration/origin-ca/',
    status: 'https://www.cloudflarestatus.com/',
    ghSecrets: 'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions',
    ghDebug: 'https://docs.github.com/en/actions/monitoring-and-troubleshooting-workflows/troubleshooting-workflows/enabling-debug-logging',
    inputs: 'README.md#inputs',
    changedPaths: 'docs/zones-and-changed-paths.md#purge-exactly-what-a-push-changed',
    ghToken: 'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication',
    ghCompare: 'https://docs.github.com/en/rest/commits/commits#compare-two-commits',
    invalidate: 'https://developers.cloudflare.com/cache/guides/invalidate-cache/',
    invalidateEnvironment: 'https://developers.cloudflare.com/api/resources/cache/methods/invalidate_environment/',
    purgeEnvironments: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge-zone-versions/',
    enableVersioning: 'https://developers.cloudflare.com/version-management/how-to/enable/',
    verify: 'README.md#check-the-purge-at-the-edge',
    verifyCheck: 'https://developers.cloudflare.com/cache/how-to/purge-cache/',
    cacheStatus: 'https://developers.cloudflare.com/cache/concepts/cache-responses/',
    proxied: 'https://developers.cloudflare.com/dns/proxy-status/'
};
const TOKEN_PERMISSIONS = 'Zone → Cache Purge → Purge (and Zone → Zone → Read to use zone names)';
function entry(d) {
    const heading = d.heading ?? (() => d.title);
    return { ...d, heading, title: heading(_door_js__WEBPACK_IMPORTED_MODULE_1__/* .ACTION_DOOR */ .c) };
}
/** "example.com", "example.com and example.net", "a, b and c". */
function listWords(items) {
    return items.length <= 1
        ? (items[0] ?? '')
        : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
/** "45 seconds", "about 5 minutes": how long Cloudflare asked to wait, in words. */
function describeWait(seconds) {
    if (seconds < 120)
        return (0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(seconds, 'second');
    return `about ${Math.round(seconds / 60)} minutes`;
}
/** "45 s", "60 min", "3 h": a duration short enough to read beside another one. */
function shortDuration(seconds) {
    if (seconds < 120)
        return `${seconds} s`;
    if (seconds < 2 * 3600)
        return `${Math.round(seconds / 60)} min`;
    return `${Math.round(seconds / 3600)} h`;
}
/** "5 minutes", "90 seconds": the length of a rate-limit window. */
function windowWords(seconds) {
    return seconds % 60 === 0 ? (0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(seconds / 60, 'minute') : (0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(seconds, 'second');
}
/** An input's name without its backquotes, before a quoted value: files_from "urls.txt". */
const bare = (name) => name.replace(/`/g, '');
/** An input named in a title: bare in the action's ("files"), as the command line gives it ("--files"). */
const titled = (door, input) => bare(door.input(input));
/** Where items were read: an input ("`tags`"), or the file that `files_from` names. */
function source(input, file, door) {
    return file === undefined ? door.input(input) : `the file ${file} (${door.input(input)})`;
}
/** " and 3 more" after the examples named, when there are more. */
const more = (n, examples, where = '') => n > examples.length ? ` and ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .grouped */ .zD)(n - examples.length)} more${where}` : '';
const catalogue = {
    // ── Inputs ────────────────────────────────────────────────────────────────
    'no-credential': entry({
        title: 'Missing credential',
        severity: 'error',
        cause: 'Neither `api_token` nor `email` + `global_key` is set.',
        detection: 'input, before any request',
        fix: 'Pass an API token from a secret: `api_token: ${{ secrets.CLOUDFLARE_API_TOKEN }}`.',
        docs: DOCS.createToken,
        message: (_, door) => `No Cloudflare credential was given. Set ${door.input('api_token')} to an API token with ` +
            `${TOKEN_PERMISSIONS}, ${door.passSecret('api_token')}`
    }),
    'both-credentials': entry({
        title: 'Two credentials given',
        severity: 'error',
        cause: '`api_token` and `global_key` are both set.',
        detection: 'input, before any request',
        fix: 'Keep one: preferably `api_token`, and remove `email` and `global_key`.',
        docs: DOCS.createToken,
        message: (_, door) => `Both ${door.input('api_token')} and ${door.input('global_key')} are set, so it is unclear which one to use. Keep ${door.input('api_token')} ` +
            `(a scoped token is safer) and remove ${door.input('email')} and ${door.input('global_key')}, or the reverse.`
    }),
    'incomplete-global-key': entry({
        title: 'Incomplete Global API Key credential',
        severity: 'error',
        cause: '`email` without `global_key`, or `global_key` without `email`.',
        detection: 'input, before any request',
        fix: 'Set both `email` and `global_key`, or use `api_token` instead.',
        docs: DOCS.keys,
        message: ({ missing }, door) => missing === 'email'
            ? `${door.input('global_key')} is set but ${door.input('email')} is empty. A Global API Key only works together with the email ` +
                `address of the Cloudflare account it belongs to: set ${door.input('email')}, or better use ${door.input('api_token')}.`
            : `${door.input('email')} is set but ${door.input('global_key')} is empty. Set ${door.input('global_key')} to the Global API Key of that ` +
                `account, or drop ${door.input('email')} and use ${door.input('api_token')}.`
    }),
    'bad-email': entry({
        heading: (door) => `Invalid input: ${titled(door, 'email')}`,
        severity: 'error',
        cause: '`email` is not an email address.',
        detection: 'input, before any request',
        fix: 'Set `email` to the address you log in to Cloudflare with.',
        docs: DOCS.keys,
        message: (_, door) => `${door.input('email')} is not an email address (expected something like name@example.com). The Global API Key ` +
            'is sent with the email address you log in to Cloudflare with.'
    }),
    'bearer-prefix': entry({
        title: 'Token starts with "Bearer "',
        severity: 'warning',
        cause: 'The secret holds `Bearer <token>` rather than the token alone.',
        detection: 'input, before any request; the action strips it and goes on',
        fix: 'Store only the token in the secret; the action adds `Bearer` itself.',
        docs: DOCS.createToken,
        message: ({ input }, door) => `${door.input(input)} starts with "Bearer ". ${door.Self} adds that word itself, so it was removed and the ` +
            `run goes on. Store only the token in ${door.secret} to silence this warning.`
    }),
    'secret-padding': entry({
        title: 'Spaces or quotes around a secret',
        severity: 'warning',
        cause: 'The secret was pasted with surrounding quotes, spaces or a line break.',
        detection: 'input, before any request; the action trims it and goes on',
        fix: 'Save the secret again without quotes, spaces or a trailing line break.',
        docs: DOCS.ghSecrets,
        message: ({ input }, door) => `${door.input(input)} has quotes, spaces or a line break around it (often from copying out of a terminal). ` +
            `They were removed and the run goes on; save ${door.secret} again without them.`
    }),
    'secret-inner-space': entry({
        title: 'Secret contains spaces',
        severity: 'error',
        cause: 'The secret has whitespace or a line break inside it, so it cannot be the credential.',
        detection: 'input, before any request',
        fix: 'Copy the credential again from the Cloudflare dashboard; it is one word.',
        docs: DOCS.ghSecrets,
        message: ({ input }, door) => `${door.input(input)} contains spaces or a line break inside it, so it is not a single credential (perhaps ` +
            'two values were pasted, or a label was copied along). Copy it again from the Cloudflare dashboard.'
    }),
    'secret-bad-characters': entry({
        title: 'Secret has unexpected characters',
        severity: 'error',
        cause: 'The secret has characters that Cloudflare credentials never contain.',
        detection: 'input, before any request',
        fix: 'Copy the credential again from the Cloudflare dashboard.',
        docs: DOCS.ghSecrets,
        message: ({ input }, door) => `${door.input(input)} contains characters that Cloudflare API tokens and keys never contain (they use ` +
            'only letters, digits, "-" and "_"). Copy the credential again from the Cloudflare dashboard.'
    }),
    'global-key-as-token': entry({
        heading: (door) => `Global API Key given as ${titled(door, 'api_token')}`,
        severity: 'error',
        cause: '`api_token` holds what looks like a Global API Key (37–45 hex characters, or `cfk_…`).',
        detection: 'input, before any request',
        fix: 'Create an API token and use it as `api_token`, or move the key to `global_key` with `email`.',
        docs: DOCS.createToken,
        message: (_, door) => `${door.input('api_token')} looks like a Global API Key, not an API token, and Cloudflare would answer ` +
            '"Invalid format for Authorization header". Create an API token with ' +
            `${TOKEN_PERMISSIONS} and pass that as ${door.input('api_token')}; or, if you mean to use the legacy key, ` +
            `pass it as ${door.input('global_key')} together with ${door.input('email')}.`
    }),
    'token-as-global-key': entry({
        heading: (door) => `API token given as ${titled(door, 'global_key')}`,
        severity: 'error',
        cause: '`global_key` holds what looks like an API token.',
        detection: 'input, before any request',
        fix: 'Pass it as `api_token` and remove `email` and `global_key`.',
        docs: DOCS.createToken,
        message: (_, door) => `${door.input('global_key')} looks like an API token, not a Global API Key, and Cloudflare would answer ` +
            `"Invalid format for X-Auth-Key header". Pass it as ${door.input('api_token')} instead and remove ${door.input('email')} and ${door.input('global_key')}.`
    }),
    'origin-ca-key': entry({
        title: 'Origin CA key given',
        severity: 'error',
        cause: 'A secret starts with `v1.0-`: an Origin CA key, which can only manage origin certificates.',
        detection: 'input, before any request',
        fix: 'Create an API token with Zone → Cache Purge → Purge and use it as `api_token`.',
        docs: DOCS.originCa,
        message: ({ input }, door) => `${door.input(input)} is an Origin CA key (it starts with "v1.0-"). Those keys only manage origin ` +
            `certificates and cannot purge the cache. Create an API token with ${TOKEN_PERMISSIONS} and pass it ` +
            `as ${door.input('api_token')}.`
    }),
    'id-as-secret': entry({
        title: 'ID given as a secret',
        severity: 'error',
        cause: 'A secret is 32 hex characters: a Zone ID, Account ID or token ID, not a credential.',
        detection: 'input, before any request',
        fix: 'Put the credential itself in the secret, and the Zone ID in `zone`.',
        docs: DOCS.ids,
        message: ({ input }, door) => `${door.input(input)} is 32 hex characters: that is an ID (a Zone ID, an Account ID or an API token's ID), not ` +
            'a credential. ' +
            (input === 'api_token'
                ? `Put the API token itself in ${door.secret} (Cloudflare shows it once, when the token is created) `
                : `Put the Global API Key itself in ${door.secret} (My Profile → API Tokens → Global API Key → View) `) +
            `and the Zone ID in ${door.input('zone')}.`
    }),
    'bad-zone': entry({
        heading: (door) => `Invalid input: ${titled(door, 'zone')}`,
        severity: 'error',
        cause: '`zone` is neither a zone ID (32 hex characters) nor a domain name.',
        detection: 'input, before any request',
        fix: "Use the Zone ID from the zone's Overview page in the dashboard, or the domain name.",
        docs: DOCS.ids,
        message: ({ value, reason }) => `zone "${value}" ${reason}. Use the Zone ID shown on the zone's Overview page (32 hex characters), ` +
            'or the domain name such as example.com.'
    }),
    'no-zone': entry({
        heading: (door) => `Missing input: ${titled(door, 'zone')}`,
        severity: 'error',
        cause: '`zone` is empty and there are no URLs, hosts or prefixes to find it from: tags and `purge_everything` belong to no hostname.',
        detection: 'input, before any request (or once the changed files are listed)',
        fix: 'Set `zone` to the Zone ID or the domain name.',
        docs: DOCS.ids,
        message: ({ what }, door) => (what === 'tags'
            ? `${door.input('zone')} is empty and cache tags belong to no hostname, so it is not known which zone to purge them in. `
            : `${door.input('zone')} is empty, so it is not known which zone ${door.input('purge_everything')} should empty. `) +
            `Set ${door.input('zone')} to the Zone ID (32 hex characters, on the zone's Overview page) or to the domain name, such ` +
            `as example.com. (Only URLs, hosts and prefixes can go without ${door.input('zone')}: their zone is found from their hostname.)`
    }),
    'bad-account-id': entry({
        heading: (door) => `Invalid input: ${titled(door, 'account_id')}`,
        severity: 'error',
        cause: '`account_id` is not 32 hex characters.',
        detection: 'input, before any request',
        fix: 'Copy the Account ID from the dashboard, or leave `account_id` empty.',
        docs: DOCS.ids,
        message: ({ value }, door) => `account_id "${value}" is not an Account ID (32 hex characters). Copy it from the dashboard's ` +
            `account home, or leave ${door.input('account_id')} empty: it is only needed for account-owned tokens.`
    }),
    'bad-option': entry({
        title: 'Invalid input',
        severity: 'error',
        cause: 'An option such as `purge_everything`, `dry_run`, `batch_size`, `timeout` or `api_url` has a value of the wrong form.',
        detection: 'input, before any request',
        fix: 'Use the form given in the message.',
        docs: DOCS.inputs,
        message: ({ input, value, expected }, door) => `${door.input(input)} is "${value}", but it must be ${expected}.`
    }),
    'nothing-to-purge': entry({
        title: 'Nothing to purge',
        severity: 'error',
        cause: 'No `files`, `tags`, `hosts` or `prefixes`, and `purge_everything` is not `true`.',
        detection: 'input, before any request',
        fix: 'Give the items to purge, or set `purge_everything: true` to purge the whole zone.',
        docs: DOCS.purge,
        message: (_, door) => `Nothing to purge: ${door.input('files')}, ${door.input('files_from')}, ${door.input('tags')}, ${door.input('hosts')} and ${door.input('prefixes')} are all empty. List what to purge, ` +
            `or set ${door.set('purge_everything', 'true')} to purge the whole zone (never implied). If the list comes from an ` +
            'earlier step, check that step produced it.'
    }),
    'lists-empty': entry({
        title: 'Nothing to purge in the lists given',
        severity: 'notice',
        cause: 'Item inputs are set, but hold no item: an empty `files_from` file, `[]`, or only blank and comment lines.',
        detection: 'input, before any request; the run succeeds without sending anything',
        fix: 'Nothing needed when the list is empty on purpose (a deploy that changed nothing); otherwise check the step that wrote it.',
        docs: DOCS.inputs,
        message: (_, door) => `The item inputs are set but hold no item (an empty ${door.input('files_from')} file, \`[]\`, or only blank or comment ` +
            'lines), so nothing was purged and no request was sent. If the list comes from an earlier step, check ' +
            'that step produced it.'
    }),
    'everything-with-items': entry({
        heading: (door) => `${titled(door, 'purge_everything')} with items`,
        severity: 'error',
        cause: '`purge_everything: true` together with files, tags, hosts or prefixes.',
        detection: 'input, before any request',
        fix: 'Remove either `purge_everything` or the item lists.',
        docs: DOCS.purge,
        message: (_, door) => `${door.input('purge_everything')} is true and items are listed too. Purging everything already removes them; ` +
            `remove the item lists, or remove ${door.input('purge_everything')} to purge only the listed items.`
    }),
    'relative-url': entry({
        heading: (door) => `Invalid input: ${titled(door, 'files')}`,
        severity: 'error',
        cause: 'A file is a path or a URL without a scheme; Cloudflare needs full URLs.',
        detection: 'input, before any request',
        fix: 'Write each file as a full URL with scheme, such as `https://example.com/app.css`.',
        docs: DOCS.purgeFiles,
        message: ({ value, suggestion }) => `"${value}" is not a full URL. Cloudflare purges files by their full URL including the scheme, ` +
            'because the scheme is part of the cache key: write ' +
            (suggestion
                ? `"${suggestion}".`
                : `"https://<your domain>${value.startsWith('/') ? '' : '/'}${value}" (the zone's domain or a subdomain of it).`)
    }),
    'bad-url': entry({
        heading: (door) => `Invalid input: ${titled(door, 'files')}`,
        severity: 'error',
        cause: 'A file is not a valid http(s) URL, or uses a wildcard.',
        detection: 'input, before any request',
        fix: 'Use full http(s) URLs; to purge a folder, use `prefixes`.',
        docs: DOCS.purgeFiles,
        message: ({ value, reason }) => `"${value}" cannot be purged as a file: ${reason}.`
    }),
    'bad-files-json': entry({
        heading: (door) => `Invalid input: ${titled(door, 'files')}`,
        severity: 'error',
        cause: '`files` (or the `files_from` file) starts with `[` or `{` but is not a valid JSON array of URLs and `{url, headers}` objects.',
        detection: 'input, before any request',
        fix: 'Fix the JSON, or list plain URLs one per line.',
        docs: DOCS.purgeFiles,
        message: ({ input, file, reason }, door) => `${source(input, file, door)} starts with "[" or "{" so it was read as JSON, but ${reason}. Expected a JSON array whose items are ` +
            'URL strings or objects like {"url": "https://example.com/a", "headers": {"CF-IPCountry": "US"}}; ' +
            'or list plain URLs, one per line.'
    }),
    'files-from-unreadable': entry({
        heading: (door) => `Invalid input: ${titled(door, 'files_from')}`,
        severity: 'error',
        cause: 'The file named by `files_from` is missing or unreadable.',
        detection: 'input, before any request',
        fix: 'Check the path (relative to the workspace) and that an earlier step wrote the file.',
        docs: DOCS.inputs,
        message: ({ path, reason }, door) => `${bare(door.input('files_from'))} "${path}" cannot be read (${reason}). ${door.filesFromBase}`
    }),
    'files-from-outside-workspace': entry({
        heading: (door) => `Invalid input: ${titled(door, 'files_from')}`,
        severity: 'error',
        cause: '`files_from` names a file outside the workspace (an absolute path elsewhere, `../`, or a link out of it).',
        detection: 'input, before any request',
        fix: 'Write the list inside the workspace (GITHUB_WORKSPACE) and give its path relative to it.',
        docs: DOCS.inputs,
        message: ({ path }, door) => `${bare(door.input('files_from'))} "${path}" is outside the workspace (GITHUB_WORKSPACE), so it was not read: the action reads ` +
            'only files inside it, so that no other file of the runner can end up in the log. Have the step that ' +
            'writes the list write it inside the workspace, and give its path relative to it (such as urls.txt).'
    }),
    'files-not-urls': entry({
        heading: (door) => `Invalid input: ${titled(door, 'files_from')}`,
        severity: 'error',
        cause: 'The `files_from` file has lines that are not URLs: often a different file given by mistake.',
        detection: 'input, before any request; the lines themselves are never shown',
        fix: 'Check that `files_from` names the list of URLs, one full URL (https://…) per line.',
        docs: DOCS.inputs,
        message: ({ input, file, lines, start }, door) => {
            const shown = lines.slice(0, 10).join(', ') + (lines.length > 10 ? ` and ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .grouped */ .zD)(lines.length - 10)} more` : '');
            return (`${source(input, file, door)} has ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(lines.length, 'line')} that ${lines.length === 1 ? 'is' : 'are'} not a full URL ` +
                `(line ${shown}; the first starts "${start}"). They are not shown, in case the file is not the list ` +
                `of URLs but something given by mistake (such as a .env file). Give ${door.input(input)} the file of URLs, one full URL ` +
                '(https://…) per line.');
        }
    }),
    'invisible-characters': entry({
        title: 'Characters that do not show',
        severity: 'warning',
        cause: 'An item input holds characters that do not show, pasted from a document or a chat: a no-break or other Unicode space, a zero-width space or joiner, a byte order mark, a bidirectional mark.',
        detection: 'input, before any request; the run goes on with the items as they look',
        fix: 'Nothing needed; retype the list, or save the file as plain text, to silence this warning.',
        docs: DOCS.inputs,
        message: ({ input, found }, door) => `${door.input(input)} holds characters that do not show (${listWords(found)}), as text pasted from a document ` +
            'or a chat does. Spaces among them were read as spaces and the others removed, so the items are purged ' +
            'as they look. Retype the list, or save the file as plain text, to silence this warning.'
    }),
    'bad-prefix': entry({
        heading: (door) => `Invalid input: ${titled(door, 'prefixes')}`,
        severity: 'error',
        cause: 'A prefix has a scheme, a query string, a fragment, no host, or too many path segments.',
        detection: 'input, before any request',
        fix: 'Write prefixes as `host/path`, such as `www.example.com/blog/`.',
        docs: DOCS.purgePrefix,
        message: ({ value, reason, suggestion }) => `prefix "${value}" ${reason}. Prefixes are written as host/path without a scheme` +
            (suggestion ? `: write "${suggestion}".` : ', such as www.example.com/blog/.')
    }),
    'bad-tag': entry({
        heading: (door) => `Invalid input: ${titled(door, 'tags')}`,
        severity: 'error',
        cause: 'A tag has spaces or non-printable characters, or is longer than 1,024 characters.',
        detection: 'input, before any request',
        fix: 'Use tags of printable ASCII without spaces, separated by commas or newlines.',
        docs: DOCS.purgeTags,
        message: ({ value, reason }) => `tag "${value}" ${reason}. Cache tags are printable ASCII without spaces, at most 1,024 characters; ` +
            'separate several tags with commas or newlines.'
    }),
    'bad-host': entry({
        heading: (door) => `Invalid input: ${titled(door, 'hosts')}`,
        severity: 'error',
        cause: 'A host is not a bare hostname (it has a scheme, a path or a port, or is not a valid name).',
        detection: 'input, before any request',
        fix: 'Write hosts as bare hostnames, such as `www.example.com`.',
        docs: DOCS.purge,
        message: ({ value, reason, suggestion }) => `host "${value}" ${reason}. Hosts are bare hostnames` +
            (suggestion ? `: write "${suggestion}".` : ', such as www.example.com.')
    }),
    'urls-joined-by-commas': entry({
        title: 'URLs joined by commas',
        severity: 'error',
        cause: '`files` (or the `files_from` file) has a comma directly before another URL, with no space: several URLs joined, or one whose query holds a URL.',
        detection: 'input, before any request',
        fix: 'Put a space or a line break after each comma; for one URL whose query holds ",https://", use a JSON array.',
        docs: DOCS.inputs,
        message: ({ example }) => `"${example}" has a comma directly before another URL. It may be several URLs joined by commas, or one ` +
            'URL whose query holds a URL, and purging the wrong one purges nothing: put a space or a line break after ' +
            'each comma to list several, or give the one URL in a JSON array (["https://…"]), where it is unambiguous.'
    }),
    'items-joined-by-spaces': entry({
        title: 'Items joined by spaces',
        severity: 'error',
        cause: 'A `hosts` or `prefixes` value holds several items separated by spaces.',
        detection: 'input, before any request',
        fix: 'Separate hosts and prefixes with commas or newlines.',
        docs: DOCS.inputs,
        message: ({ input, value, suggestion }, door) => `${door.input(input)} has "${value}": items in ${door.input(input)} are separated by commas or newlines, not spaces. ` +
            `Write "${suggestion}", or one per line.`
    }),
    'inline-comment': entry({
        title: 'Comment after an item',
        severity: 'error',
        cause: 'A list has "#" after an item on the same line: only a line that starts with "#" is a comment.',
        detection: 'input, before any request',
        fix: 'Put the comment on a line of its own.',
        docs: DOCS.inputs,
        message: ({ input, file, text }, door) => `${source(input, file, door)} has "${text}", with "#" after other text. Only a line whose first non-blank character is "#" ` +
            'is a comment; elsewhere "#" is part of the item. Put the comment on a line of its own.'
    }),
    'comment-only-input': entry({
        title: 'Input is only a comment',
        severity: 'error',
        cause: 'A list input is a single line that starts with "#", so all of it is a comment and nothing is purged.',
        detection: 'input, before any request',
        fix: 'Put an item before the one that starts with "#" (`news, #blog`), or remove the "#".',
        docs: DOCS.inputs,
        message: ({ input, line }, door) => `${door.input(input)} is "${line}": a line whose first non-blank character is "#" is a comment, so nothing in it ` +
            `would be purged. If "#" is part of the first item (a tag such as #blog), put another item before it on ` +
            'the line ("news, #blog"); otherwise remove the "#".'
    }),
    'url-credentials': entry({
        title: 'User name or password in a URL',
        severity: 'error',
        cause: 'A URL to purge has a user name or password in it (`https://user:password@host/…`).',
        detection: 'input, before any request (or once the changed files are listed)',
        fix: 'Remove the user name and password from the URL; they are never part of what Cloudflare caches.',
        docs: DOCS.purgeFiles,
        message: ({ value, suggestion }) => `"${value}" has a user name or password in it (hidden here). Browsers do not send them as part of ` +
            'the URL, so they are never part of what Cloudflare caches, and they would be sent to Cloudflare in ' +
            `the purge request: write "${suggestion}".`
    }),
    'url-fragment': entry({
        title: 'Fragment removed from URLs',
        severity: 'notice',
        cause: 'A URL to purge has a fragment (`#…`), which browsers never send, so it is never part of a cache key.',
        detection: 'input, before any request; the action removes it and goes on',
        fix: 'Nothing needed; write the URLs without "#…" to silence this notice.',
        docs: DOCS.purgeFiles,
        message: ({ count, example, canonical }) => (count === 1 ? `"${example}" has` : `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .grouped */ .zD)(count)} URLs have`) +
            ' a fragment ("#…"), which browsers never send to a server, so it is never part of what Cloudflare ' +
            `caches. It was removed: ${count === 1 ? 'it' : `"${example}", for one,`} is purged as "${canonical}".`
    }),
    'url-normalized': entry({
        title: 'URLs purged in their normalized form too',
        severity: 'notice',
        cause: "A URL's path is written differently from the form Cloudflare's URL normalization gives it (`%7e` for `~`, lower-case escapes, `//`, `|`), so the cache may hold it under either.",
        detection: 'input, before any request; both forms are purged',
        fix: 'Nothing needed; write the URLs in their normalized form to silence this notice.',
        docs: 'docs/zones-and-changed-paths.md#url-normalization',
        message: ({ count, example, form }) => (count === 1 ? `"${example}" is` : `${count} URLs are`) +
            " written differently from the form Cloudflare's URL normalization gives them, which is what the cache " +
            'holds on a zone that normalizes incoming URLs (the default), so both forms are purged: ' +
            `${count === 1 ? 'it' : `"${example}", for one,`} also as "${form}".`
    }),
    'host-in-no-zone': entry({
        title: 'Host in none of the zones',
        severity: 'error',
        cause: "With several zones, an item's host belongs to none of them.",
        detection: 'input, once the zone names are known',
        fix: 'Add the zone that holds the host to `zone`, or correct the item.',
        docs: DOCS.inputs,
        message: ({ host, zones }, door) => `"${host}" is not in any of the zones given (${zones}), so it is not known where to purge it. Add its ` +
            `zone to ${door.input('zone')}, or correct the item.`
    }),
    'host-in-no-visible-zone': entry({
        title: 'No zone found for a host',
        severity: 'error',
        cause: "`zone` is empty and no zone that the credential can see holds an item's hostname.",
        detection: 'Cloudflare: `GET /zones?name=` answers an empty list for the hostname and each parent name, before any purge',
        fix: 'Give the token Zone → Zone → Read on that zone, set `zone`, or correct the item.',
        docs: DOCS.createToken,
        message: ({ host, tried }, door) => tried.length === 0
            ? `"${host}" is not a domain name, so no Cloudflare zone can hold it. Nothing was purged; correct the item.`
            : `No zone visible to this credential holds "${host}" (looked up ${tried.map((n) => `"${n}"`).join(', ')}), ` +
                'so it is not known where to purge it, and nothing was purged. Either the token lacks Zone → Zone → Read ' +
                `on that zone (needed to find zones from URLs; or set ${door.input('zone')} to its ID), or the domain is not a zone ` +
                'of this account, or the item is mistyped.'
    }),
    'zone-name-unknown': entry({
        title: 'Zone name unknown',
        severity: 'error',
        cause: 'Several zones are given, one of them by ID whose name cannot be read (no Zone → Zone → Read), and there are URLs, hosts or prefixes to place.',
        detection: 'Cloudflare: `GET /zones/{id}` refused for a zone given by ID, before any purge',
        fix: 'Give the token Zone → Zone → Read on that zone, or purge each zone in its own step.',
        docs: DOCS.createToken,
        message: ({ zones }, door) => `Several zones are given, and the name of ${zones} cannot be read with this credential (the token has no ` +
            'Zone → Zone → Read on it), so it is not known which URLs, hosts and prefixes belong to it. Nothing was ' +
            'purged rather than guess. Give the token Zone → Zone → Read on that zone, or purge each zone in its own ' +
            `step (a step with a single zone needs no name). Tags and ${door.input('purge_everything')} need no name: they go to every zone.`
    }),
    'bad-changed-paths': entry({
        title: 'Invalid input: changed_paths',
        severity: 'error',
        cause: 'A line of `changed_paths` is not `folder/ => https://host/path/`.',
        detection: 'input, before any request',
        fix: 'Write one mapping per line: a folder of the repository, `=>`, and the URL it is published at.',
        docs: DOCS.changedPaths,
        message: ({ line, reason }) => `changed_paths line "${line}" ${reason}. Each line maps a folder of the repository to the URL it is ` +
            'published at, such as "public/ => https://example.com/".'
    }),
    'no-github-token': entry({
        title: 'Missing input: github_token',
        severity: 'error',
        cause: '`changed_paths` is set but `github_token` is empty.',
        detection: 'input, before any request',
        fix: 'Leave `github_token` out to use the workflow token, or pass a token that can read the repository.',
        docs: DOCS.ghToken,
        message: (_, door) => `${door.input('changed_paths')} is set but ${door.input('github_token')} is empty, so the changed files cannot be listed. Leave ` +
            `${door.input('github_token')} out (it defaults to the workflow token, \`\${{ github.token }}\`), or pass a token that can ` +
            "read this repository's contents."
    }),
    'refs-ignored': entry({
        title: 'base and head ignored',
        severity: 'warning',
        cause: '`base` or `head` is set without `changed_paths`.',
        detection: 'input, before any request',
        fix: 'Set `changed_paths`, or remove `base` and `head`.',
        docs: DOCS.changedPaths,
        message: (_, door) => `${door.input('base')} and ${door.input('head')} choose the commits whose changed files are purged, but ${door.input('changed_paths')} is empty, so ` +
            `they are ignored. Set ${door.input('changed_paths')}, or remove ${door.input('base')} and ${door.input('head')}.`
    }),
    'outside-zone': entry({
        title: 'Item not on this zone',
        severity: 'warning',
        cause: "A host's or prefix's hostname is neither the zone's domain nor a subdomain of it.",
        detection: 'input, once the zone name is known (one warning per hostname and kind of item)',
        fix: 'Check the items and the zone; such items are sent, but nothing of them is cached in this zone.',
        docs: DOCS.purge,
        message: ({ kind, host, count, example, zone }) => {
            const noun = { hosts: ['host', 'hosts'], prefixes: ['prefix', 'prefixes'] }[kind];
            const subject = count === 1
                ? `${noun[0]} "${example}" is`
                : `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .grouped */ .zD)(count)} ${noun[1]} on ${host} (such as "${example}") are`;
            const them = count === 1 ? 'it' : 'them';
            return (`${subject} not on ${zone} or one of its subdomains. ${count === 1 ? 'It is' : 'They are'} sent as ` +
                `asked, but nothing of ${them} is cached in this zone, so purging ${them} there does nothing. Check ` +
                `the ${noun[1]} or the zone.`);
        }
    }),
    'outside-zone-refused': entry({
        title: 'URL not on this zone',
        severity: 'error',
        cause: "A URL's hostname is neither the zone's domain nor a subdomain of it: Cloudflare refuses it (1082).",
        detection: 'input, once the zone name is known (one error per hostname); such URLs are not sent, the other items are',
        fix: 'Set `zone` to the zone that serves the URL (or several zones), or correct the URL.',
        docs: DOCS.purge,
        message: ({ host, count, example, zone }, door) => `${count === 1 ? `"${example}" is` : `${count} URLs on ${host} (such as "${example}") are`} not on ${zone} ` +
            'or one of its subdomains, and Cloudflare refuses URLs of other domains ("You can only purge files for ' +
            `this zone", code 1082), so ${count === 1 ? 'it was' : 'they were'} not sent (listed in ${door.failedItems}); ` +
            `the other items were. Add the zone that serves them to ${door.input('zone')}, or correct the URLs.`
    }),
    // ── Credential verification ───────────────────────────────────────────────
    'token-invalid': entry({
        title: 'API token not recognised',
        severity: 'error',
        cause: 'Cloudflare answers 1000 "Invalid API Token" at the user verify endpoint and, when an account is known, at the account one.',
        detection: 'Cloudflare: 1000 at `/user/tokens/verify` and `/accounts/{id}/tokens/verify` (the account one is skipped for a `cfut_` user token)',
        fix: 'Create a new token (it may have been deleted or rolled) and update the secret; for an account-owned token check `account_id`.',
        docs: DOCS.createToken,
        message: ({ accountId, maybeAccountOwned }, door) => (accountId
            ? 'Cloudflare does not recognise this API token ("Invalid API Token"), neither as a user token nor ' +
                `under account ${accountId}. If it is account-owned, check ${door.input('account_id')}; otherwise it `
            : maybeAccountOwned
                ? 'Cloudflare does not recognise this API token as a user token ("Invalid API Token"). If it is ' +
                    `account-owned (Manage Account → API Tokens), set ${door.input('account_id')}; otherwise it `
                : 'Cloudflare does not recognise this API token ("Invalid API Token"): it ') +
            `was deleted, rolled or copied incompletely. Create a token with ${TOKEN_PERMISSIONS} and update ${door.secret}.`
    }),
    'token-inactive': entry({
        title: 'API token not active',
        severity: 'error',
        cause: 'Cloudflare says the token is disabled or expired.',
        detection: 'Cloudflare: token verify answers status `disabled` or `expired`',
        fix: 'Enable the token, extend its expiry, or roll a new one in the dashboard.',
        docs: DOCS.createToken,
        message: ({ status, date }, door) => status === 'expired'
            ? `This API token expired${date ? ` on ${date}` : ''}. Create a new token (or edit its TTL) and update ${door.secret}.`
            : `This API token is ${status}. Enable it in My Profile → API Tokens, or create a new one and update ${door.secret}.`
    }),
    'token-not-yet-valid': entry({
        title: 'API token not valid yet',
        severity: 'error',
        cause: "The token's start date (`not_before`) is in the future.",
        detection: 'Cloudflare: token verify answers a future `not_before`',
        fix: "Wait for the start date, or edit the token's TTL.",
        docs: DOCS.createToken,
        message: ({ date }) => `This API token only becomes valid on ${date}. Edit its TTL in My Profile → API Tokens, or wait until then.`
    }),
    'token-expiry-passed': entry({
        title: 'API token past its expiry date',
        severity: 'warning',
        cause: "Cloudflare says the token is active, but its `expires_on` has passed by the runner's clock.",
        detection: 'Cloudflare: token verify answers status `active` with an `expires_on` in the past',
        fix: "Check the token's expiry in My Profile → API Tokens (and the runner's clock); roll it if it is due.",
        docs: DOCS.createToken,
        message: ({ date }, door) => `Cloudflare says this API token is active, but its expiry date, ${date}, has passed by this ${door.machine}'s ` +
            "clock. The run goes on, on Cloudflare's word. Check the token's expiry in My Profile → API Tokens and " +
            `the ${door.machine}'s clock; if the token is about to stop working, create a new one and update ${door.secret}.`
    }),
    'token-expiring': entry({
        title: 'API token expires soon',
        severity: 'warning',
        cause: 'The token expires within 14 days.',
        detection: 'Cloudflare: token verify answers `expires_on` within 14 days',
        fix: 'Roll or extend the token before it expires.',
        docs: DOCS.createToken,
        message: ({ date, days }, door) => `This API token expires on ${date} (in ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(days, 'day')}); purges will fail after that. ` +
            `Extend it or create a new one and update ${door.secret}.`
    }),
    'token-ip-restricted': entry({
        title: 'API token refused from this runner',
        severity: 'error',
        cause: 'The token verifies, but Cloudflare answers 9109 "Invalid access token" to the zone lookup or the purge.',
        detection: 'Cloudflare: 9109 on `/zones` or `purge_cache` after a successful verify',
        fix: "Remove the token's Client IP Address Filtering, or run on a runner with a fixed address.",
        docs: DOCS.createToken,
        message: ({ detail }, door) => `Cloudflare refused the token although it is active: ${detail}. The token probably has a Client IP ` +
            `Address Filter that excludes this ${door.machine}. ${door.addressAdvice}`
    }),
    'account-token-no-account': entry({
        heading: (door) => `Account-owned token: ${titled(door, 'account_id')} needed`,
        severity: 'error',
        cause: 'An account-owned token (`cfat_…`) can only be verified under its account, and `account_id` is empty while the zone cannot be read to learn it.',
        detection: 'input shape `cfat_`, Cloudflare: 1000 at `/user/tokens/verify` and no `account.id` from the zone lookup',
        fix: 'Set `account_id` to the Account ID that owns the token, or give the token Zone → Zone → Read.',
        docs: DOCS.accountTokens,
        message: (_, door) => 'This is an account-owned API token (it starts with "cfat_"), which Cloudflare verifies only under the ' +
            'account that owns it, and that account could not be learnt from the zone (the token cannot read it). ' +
            `Set ${door.input('account_id')} to the Account ID that owns the token, or give the token Zone → Zone → Read.`
    }),
    'global-key-unknown': entry({
        title: 'Email and Global API Key do not match',
        severity: 'error',
        cause: 'Cloudflare answers 9103 "Unknown X-Auth-Key or X-Auth-Email".',
        detection: 'Cloudflare: 9103 at `/user`',
        fix: 'Use the email you log in with and the Global API Key of that same user; or switch to an API token.',
        docs: DOCS.keys,
        message: (_, door) => 'Cloudflare does not know this email and Global API Key together ("Unknown X-Auth-Key or X-Auth-Email"). ' +
            'The key belongs to one user: use the email address that user logs in with, and check the key was not ' +
            `regenerated. Better still, create a scoped API token and pass it as ${door.input('api_token')}.`
    }),
    'email-ignored': entry({
        heading: (door) => `${titled(door, 'email')} ignored`,
        severity: 'warning',
        cause: '`email` is set together with `api_token`.',
        detection: 'input, before any request',
        fix: 'Remove `email`; it is only used with `global_key`.',
        docs: DOCS.inputs,
        message: (_, door) => `${door.input('email')} is set but only works with ${door.input('global_key')}; it is ignored because ${door.input('api_token')} is used. Remove it.`
    }),
    'global-key-in-use': entry({
        title: 'Consider an API token',
        severity: 'notice',
        cause: 'The run uses the Global API Key, which can do anything the user can.',
        detection: 'input',
        fix: 'Create an API token with only Zone → Cache Purge → Purge and use `api_token`.',
        docs: DOCS.createToken,
        message: (_, door) => 'This run uses the Global API Key, which can change anything in the account. An API token limited to ' +
            `${TOKEN_PERMISSIONS} on this zone is safer: pass it as ${door.input('api_token')} and remove ${door.input('email')} and ${door.input('global_key')}.`
    }),
    'bad-auth-header': entry({
        title: 'Credential rejected as malformed',
        severity: 'error',
        cause: 'Cloudflare answers 6003 "Invalid request headers" (6111, 6102 or 6103 in its chain).',
        detection: 'Cloudflare: 6003 with 6111 / 6102 / 6103',
        fix: 'Check which secret goes in which input: token in `api_token`, key in `global_key`.',
        docs: DOCS.createToken,
        message: ({ detail }, door) => `Cloudflare could not read the credential: ${detail}. A token goes in ${door.input('api_token')}, a Global API ` +
            `Key in ${door.input('global_key')} with ${door.input('email')}; check that ${door.secret} holds only the credential.`
    }),
    // ── Zone ──────────────────────────────────────────────────────────────────
    'api-url-wrong': entry({
        heading: (door) => `Invalid input: ${titled(door, 'api_url')}`,
        severity: 'error',
        cause: '`api_url` is not the API\'s base: Cloudflare answers 7000 "No route for that URI" even to token verification, which every base has (often `/client/v4` is missing).',
        detection: 'Cloudflare: 7000 on `GET /user/tokens/verify` (or `GET /user`, `GET /zones`), before any purge',
        fix: 'Leave `api_url` out for Cloudflare itself, or end it with `/client/v4`.',
        docs: DOCS.inputs,
        message: ({ apiUrl }, door) => `${door.input('api_url')} is ${apiUrl}, but Cloudflare answers "No route for that URI" (7000) even to the request every ` +
            "API base has (token verification), so it is not the API's base: every request would fail the same way. " +
            `Leave ${door.input('api_url')} out to use https://api.cloudflare.com/client/v4, or give the full base, ending with ` +
            '`/client/v4`.'
    }),
    'zone-invalid-id': entry({
        title: 'Zone ID not recognised',
        severity: 'error',
        cause: 'Cloudflare answers 7003 "Could not route to /zones/…" and the ID is not an account either.',
        detection: 'Cloudflare: 7003 / 7000 on the zone, then `GET /accounts/{id}` finds no account',
        fix: "Copy the Zone ID from the zone's Overview page.",
        docs: DOCS.ids,
        message: ({ zone }) => `Cloudflare has no zone with the ID ${zone}. Copy the Zone ID from the zone's Overview page in the ` +
            'dashboard (right-hand column, under API).'
    }),
    'zone-is-account-id': entry({
        title: 'Account ID used as zone',
        severity: 'error',
        cause: '`zone` is the Account ID, which the dashboard shows right under the Zone ID.',
        detection: 'Cloudflare: 10000 (or 7003) on the zone, then `GET /accounts/{id}` finds an account',
        fix: 'Use the Zone ID (the line above the Account ID on the Overview page).',
        docs: DOCS.ids,
        message: ({ zone }) => `${zone} is an Account ID, not a Zone ID. The dashboard shows both on the zone's Overview page: ` +
            'copy the Zone ID (the line above), or give the domain name instead.'
    }),
    'zone-not-visible': entry({
        title: 'Zone not accessible with this credential',
        severity: 'error',
        cause: "Cloudflare answers 10000 for the zone: it does not exist, or is not in the token's Zone Resources.",
        detection: 'Cloudflare: 10000 on `GET /zones/{id}` and on the purge',
        fix: "Add the zone to the token's Zone Resources, or check the Zone ID.",
        docs: DOCS.createToken,
        message: ({ zone }) => `This credential cannot reach zone ${zone} ("Authentication error"). Either the ID is wrong (copy it ` +
            "from the zone's Overview page), or the token's Zone Resources do not include this zone: edit the " +
            'token and include it (Include → Specific zone, or All zones). A Global API Key reaches only the ' +
            "zones of its own user's accounts."
    }),
    'zone-name-not-found': entry({
        title: 'Zone not found',
        severity: 'error',
        cause: 'Looking the name up returns no zone: the token lacks Zone → Zone → Read, its Zone Resources leave the zone out, or the domain is not a zone of the account.',
        detection: 'Cloudflare: `GET /zones?name=` answers an empty list for every candidate',
        fix: 'Give the token Zone → Zone → Read with the zone in its Zone Resources, or use the Zone ID instead of the name.',
        docs: DOCS.createToken,
        message: ({ tried }) => `No zone named ${tried.map((n) => `"${n}"`).join(' or ')} is visible to this credential. To find a zone ` +
            'by name, a token needs Zone → Zone → Read, with that zone in its Zone Resources (a token scoped to other ' +
            'zones does not see it): edit the token and include the zone (Include → Specific zone, or All zones), or ' +
            'pass the Zone ID instead. Otherwise the domain is not a zone in this account.'
    }),
    'zone-name-ambiguous': entry({
        title: 'Two zones of the same name',
        severity: 'error',
        cause: 'The credential sees more than one zone with this name (a copy added in another account, not yet active or also active), and not exactly one of them is active.',
        detection: 'Cloudflare: `GET /zones?name=` lists the name more than once, before any purge',
        fix: 'Set `zone` to the Zone ID of the zone meant, or remove the other zone.',
        docs: DOCS.ids,
        message: ({ name, zones }, door) => `The credential sees ${zones.length} zones named ${name} (${listWords(zones)}), and not exactly one of ` +
            `them is active, so it is not known which one to purge: nothing was purged. Set ${door.input('zone')} to the Zone ID of ` +
            'the one meant (on its Overview page), or remove the copy you do not use from its account.'
    }),
    'zone-wider-than-named': entry({
        heading: (door) => `${titled(door, 'purge_everything')} on a hostname`,
        severity: 'error',
        cause: '`zone` names a hostname inside a bigger zone (`www.example.com` in `example.com`), and `purge_everything` clears the whole zone.',
        detection: 'Cloudflare: the zone found for the name has a shorter name, before any purge (dry runs too)',
        fix: 'Use `hosts: www.example.com` to clear one hostname, or `zone: example.com` to clear the whole zone.',
        docs: DOCS.purge,
        message: ({ named, zone }, door) => `${door.input('zone')} is ${named}, which is not a zone but a hostname of the zone ${zone}: ${door.input('purge_everything')} would ` +
            `clear the cache of every hostname of ${zone}, not only ${named}. Nothing was purged. To clear ${named} ` +
            `alone, use ${door.set('hosts', named)} instead of ${door.input('purge_everything')}; to clear all of ${zone}, set ` +
            `${door.set('zone', zone)}.`
    }),
    'tags-wider-than-named': entry({
        title: 'Tags purged in the whole zone',
        severity: 'warning',
        cause: '`zone` names a hostname inside a bigger zone (`www.example.com` in `example.com`), and tags are purged in the whole zone.',
        detection: 'Cloudflare: the zone found for the name has a shorter name, before any purge',
        fix: 'Nothing, if the tags are meant for the whole zone; set `zone` to the zone itself to silence this warning.',
        docs: DOCS.purgeTags,
        message: ({ named, zone }, door) => `${door.input('zone')} is ${named}, a hostname of the zone ${zone}, and Cloudflare purges tags in the whole ` +
            `zone: the tagged copies of every hostname of ${zone} are purged, not only those of ${named}. If that is ` +
            `meant, set ${door.set('zone', zone)} to silence this warning.`
    }),
    'host-has-own-zone': entry({
        title: 'Items placed in their own zone',
        severity: 'notice',
        cause: 'Some URLs, hosts or prefixes are on a subdomain that is a zone of its own in the account, below the zone given.',
        detection: 'Cloudflare: `GET /zones?name=` finds the subdomain as a zone, before any purge',
        fix: 'Nothing needed; add the zone to `zone` to silence this notice.',
        docs: 'docs/zones-and-changed-paths.md',
        message: ({ zone, given, count: n }, door) => `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(n, 'item')} on ${zone} ${n === 1 ? 'was' : 'were'} purged in the zone ${zone}, not in ${given}: ` +
            `${zone} is a zone of its own, and a purge sent to ${given} does not reach what it caches. Add it to ` +
            `${door.input('zone')} to silence this notice.`
    }),
    'zone-unreadable': entry({
        title: 'Zone details not readable',
        severity: 'notice',
        cause: 'Cloudflare refuses to show the zone (10000): normal for a token without Zone → Zone → Read, and also the answer for a zone outside the Zone Resources or an ID that is no zone.',
        detection: 'Cloudflare: 10000 on `GET /zones/{id}`; the purge decides whether the zone is usable',
        fix: 'Nothing, if the token only lacks Zone → Zone → Read; otherwise the purge fails and says what to fix.',
        docs: DOCS.createToken,
        message: ({ zone }, door) => `Cloudflare did not show zone ${zone} to this credential. That is normal for a token without Zone → Zone → ` +
            "Read, and the purge goes on; but it is also Cloudflare's answer when the zone is outside the token's Zone " +
            'Resources or when no zone has this ID, and then the purge fails and says so. Until then the plan of the zone ' +
            `is unknown, so requests carry no more URLs than every plan accepts; on Enterprise, set ${door.set('batch_size', '500')} or ` +
            'grant Zone → Zone → Read for larger ones.'
    }),
    // ── Changed files ─────────────────────────────────────────────────────────
    'changes-no-range': entry({
        title: 'Changed files unknown',
        severity: 'error',
        cause: 'With `changed_paths`, the run is not a push (or the push created or deleted the branch) and `base` is empty.',
        detection: 'GitHub: the event name and the push payload (`before`, `after`), before any request',
        fix: 'Run on `push`, or set `base` (and `head`) to the commits to compare.',
        docs: DOCS.changedPaths,
        message: ({ reason }, door) => `The changed files cannot be listed: ${reason}. Nothing was purged (the action never falls back to ` +
            `purging everything). Run the workflow on \`push\`, or set ${door.input('base')} to the commit, tag or branch the site was ` +
            `last deployed from (${door.input('head')} defaults to the commit of this run).`
    }),
    'changes-api-error': entry({
        title: 'Changed files could not be listed',
        severity: 'error',
        cause: "GitHub's compare API refused or failed to list the files changed between the two commits.",
        detection: 'GitHub: an error answer from `GET /repos/{owner}/{repo}/compare/{base}...{head}` after retries',
        fix: 'Give the job `permissions: contents: read`, check the commits exist, and run again.',
        docs: DOCS.ghToken,
        message: ({ range, detail, hint }) => `GitHub could not list the files changed in ${range} (${detail}). Nothing was purged (the action never ` +
            `falls back to purging everything). ${hint}`
    }),
    'changes-too-many': entry({
        title: 'Too many changed files to list',
        severity: 'error',
        cause: 'The comparison changed 300 files or more: the most GitHub lists, so the list may be incomplete.',
        detection: "GitHub: the compare answer's `files` has 300 entries",
        fix: 'Purge this deploy by `prefixes` or `purge_everything` instead, or deploy in smaller steps.',
        docs: DOCS.ghCompare,
        message: ({ range, count }, door) => `GitHub lists at most 300 changed files in one comparison, and ${range} changed ${count >= 300 ? '300 or more' : count}, ` +
            'so the list may be incomplete. Nothing was purged rather than leave stale copies in the cache. Purge ' +
            `this deploy by ${door.input('prefixes')} or with ${door.input('purge_everything')} instead, or deploy in smaller steps.`
    }),
    'bad-changed-url': entry({
        title: 'Changed file cannot be purged',
        severity: 'warning',
        cause: 'A URL made from a changed file fails the checks every URL to purge passes.',
        detection: 'GitHub: the compare lists the file; the URL is checked before any purge request, and left out',
        fix: 'Purge its folder with `prefixes`, or rename the file.',
        docs: DOCS.changedPaths,
        message: ({ detail }, door) => `A URL made from the changed files cannot be purged, so it was left out and the others were purged: ` +
            `${detail} Purge its folder with ${door.input('prefixes')}, or rename the file.`
    }),
    'nothing-changed': entry({
        title: 'Nothing changed under changed_paths',
        severity: 'notice',
        cause: 'No file under the `changed_paths` folders changed, and nothing else is listed to purge.',
        detection: 'GitHub: the compare lists no file under a mapped folder',
        fix: 'Nothing needed.',
        docs: DOCS.changedPaths,
        message: ({ range, count: files }) => `No file under changed_paths changed in ${range} (${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(files, 'file')} changed ` +
            'elsewhere in the repository), so there was nothing to purge.'
    }),
    // ── Invalidation and environments ─────────────────────────────────────────
    'environment-unknown': entry({
        title: 'Environment not found',
        severity: 'error',
        cause: 'No Version Management environment of the zone has the name (in any case) or the ref given in `environment`.',
        detection: 'Cloudflare: `GET /zones/{id}/environments` lists no environment by that name or ref, before any purge',
        fix: "Set `environment` to one of the names the annotation lists (or that environment's ref).",
        docs: DOCS.purgeEnvironments,
        message: ({ zone, wanted, names }, door) => `Zone ${zone} has no environment named "${wanted}" (names match in any case, refs exactly). ` +
            (names.length > 0
                ? `Its environments: ${listWords(names.map((n) => `"${n}"`))}. Set ${door.input('environment')} to one of them. `
                : 'It lists no environment at all: create them under Version Management → Environments, or leave ' +
                    `${door.input('environment')} empty to clear the cache of the whole zone. `) +
            'Nothing was sent.'
    }),
    'environment-ambiguous': entry({
        title: 'Environment name ambiguous',
        severity: 'error',
        cause: '`environment` matches two or more environments of the zone whose names differ only in case.',
        detection: 'Cloudflare: `GET /zones/{zone_id}/environments`, before any purge',
        fix: 'Set `environment` to the ref of the one meant.',
        docs: DOCS.purgeEnvironments,
        message: ({ zone, wanted, matches }, door) => `${door.input('environment')} is "${wanted}", and ${zone} has ${matches.length} environments whose names differ from it ` +
            `only in case: ${listWords(matches)}. Nothing was purged rather than guess: set ${door.input('environment')} to the ref ` +
            'of the one meant.'
    }),
    'environments-not-enabled': entry({
        title: 'Version Management not enabled',
        severity: 'error',
        cause: '`environment` is set, but the zone does not use Version Management (an Enterprise feature), so it has no environments.',
        detection: 'Cloudflare: an error about versioning, a 404 or an empty list on `GET /zones/{id}/environments` (codes unverified: words matched)',
        fix: 'Enable Version Management on the zone (Enterprise plan), or leave `environment` empty to clear the whole zone.',
        docs: DOCS.enableVersioning,
        message: ({ zones, detail }, door) => `${zones.length === 1 ? 'Zone' : 'Zones'} ${listWords(zones)} ${zones.length === 1 ? 'does' : 'do'} not use ` +
            `Version Management, so there is no environment to clear. Cloudflare answered: ${detail}. Version Management is an ` +
            "Enterprise feature: in the dashboard, open the zone's Version Management page and select Enable versioning, " +
            `which creates the Production, Staging and Development environments. Or leave ${door.input('environment')} empty to clear ` +
            'the cache of the whole zone. Nothing was sent.'
    }),
    'environments-not-readable': entry({
        title: 'Environments not readable',
        severity: 'error',
        cause: "Listing the zone's environments is refused: the token lacks Zone → Zone Versioning → Read (or the zone has no Version Management).",
        detection: 'Cloudflare: 10000 or another 403 on `GET /zones/{id}/environments`, before any purge',
        fix: 'Add Zone → Zone Versioning → Read to the token, next to Zone → Cache Purge → Purge.',
        docs: DOCS.createToken,
        message: ({ zones, wanted, detail }, door) => `This credential may not list the Version Management environments of ${listWords(zones)} (${detail}), so ` +
            `"${wanted}" cannot be looked up. A token needs Zone → Zone Versioning → Read on the zone for that, next to ` +
            'Zone → Cache Purge → Purge: edit the token and add it. If the zone does not use Version Management (an ' +
            `Enterprise feature), leave ${door.input('environment')} empty instead. Nothing was sent.`
    }),
    'invalidate-unavailable': entry({
        title: 'Invalidation not available',
        severity: 'error',
        cause: 'Cloudflare answers a routing error (7003 / 7000 "No route for that URI", or a 404) on `invalidate_cache`: not available here.',
        detection: 'Cloudflare: 7003 / 7000 or HTTP 404 on `POST …/invalidate_cache`',
        fix: 'Use `mode: purge` (or remove `mode`) to delete the cached copies instead.',
        docs: DOCS.invalidate,
        message: ({ zone, detail }, door) => `Cloudflare has no invalidate endpoint for zone ${zone}: ${detail}. Invalidation is not available here, ` +
            `so nothing was marked stale. Set ${door.set('mode', 'purge')} (or remove ${door.input('mode')}) to delete the cached copies instead: ` +
            'the next requests then fetch them from the origin in full.'
    }),
    'invalidate-url-refused': entry({
        title: 'Invalidation by URL refused',
        severity: 'error',
        cause: 'Cloudflare answers 1136: an environment that selects requests by IP, country, ASN or threat score cannot be invalidated by URL.',
        detection: 'Cloudflare: 1136 on `POST …/invalidate_cache` with `files`',
        fix: 'Invalidate by `tags`, `hosts` or `prefixes` (or everything) in that environment instead of by URL.',
        docs: DOCS.invalidateEnvironment,
        message: ({ zone, environment }, door) => `Cloudflare refused to invalidate URLs in ${environment ? `environment ${environment} of ` : ''}zone ${zone} ` +
            '(code 1136): an environment whose traffic filter selects requests by IP address, country, ASN or threat ' +
            `score cannot be invalidated by URL. Invalidate those pages by ${door.input('tags')}, ${door.input('hosts')} or ${door.input('prefixes')} (or everything) ` +
            'instead: those still work in that environment.'
    }),
    // ── Purge ─────────────────────────────────────────────────────────────────
    'purge-not-permitted': entry({
        title: 'Token may not purge this zone',
        severity: 'error',
        cause: 'The credential is valid and the zone is visible, but the purge answers 10000.',
        detection: 'Cloudflare: 10000 on `purge_cache` after a good verify and zone lookup',
        fix: 'Edit the token: add Zone → Cache Purge → Purge for this zone.',
        docs: DOCS.createToken,
        message: ({ zone }) => `The credential is valid and can see zone ${zone}, but Cloudflare refused the purge ("Authentication ` +
            'error"). The token lacks Zone → Cache Purge → Purge on this zone: edit the token in My Profile → ' +
            'API Tokens and add that permission with this zone in its Zone Resources.'
    }),
    'rate-limited': entry({
        title: 'Rate limited by Cloudflare',
        severity: 'error',
        cause: 'Cloudflare kept answering 429 / 971 beyond the retry budget, or asked to wait longer than the `timeout` leaves.',
        detection: 'Cloudflare: 429 with code 971 after every retry, or a `Retry-After` past the end of `timeout`',
        fix: 'Run again after the wait, raise `timeout`, or purge fewer items (prefixes or tags instead of URLs).',
        docs: DOCS.limits,
        message: ({ waitSeconds, timeLeftSeconds, answers = 1, limit }, door) => (answers > 1
            ? `Cloudflare kept answering 429 "Please wait and consider throttling your request speed" (${answers} answers)`
            : 'Cloudflare answered 429 "Please wait and consider throttling your request speed"') +
            (waitSeconds !== undefined && timeLeftSeconds !== undefined
                ? `. Cloudflare asks to wait ${shortDuration(waitSeconds)}; the timeout leaves ${shortDuration(timeLeftSeconds)}, ` +
                    'so it was not waited for'
                : waitSeconds !== undefined
                    ? ` and asked to wait ${describeWait(waitSeconds)}`
                    : '') +
            `. The limit that applies: ${limit}; other jobs using the same account share it. Run again ` +
            `${waitSeconds !== undefined ? 'after that wait' : 'later'}, raise ${door.input('timeout')}, or purge by prefix or tag ` +
            'to send fewer requests.'
    }),
    'too-many-items': entry({
        title: 'Batch too large; split',
        severity: 'warning',
        cause: 'Cloudflare rejected a request for carrying too many items.',
        detection: 'Cloudflare: 1094 / 1101 / 1111 or words about the number of items ("too many files", "no more than 100") on `purge_cache`',
        fix: 'Nothing needed; set `batch_size` to the limit of your plan to save the extra requests.',
        docs: DOCS.purge,
        message: ({ type, size, limit, lost }, door) => `Cloudflare rejected ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .grouped */ .zD)(size)} ${type} in one request as too many, so batches were split to ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .grouped */ .zD)(limit)} and ` +
            'retried; ' +
            (lost === 0
                ? 'nothing was lost.'
                : `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(lost, 'item')} of this zone and type still failed for other reasons (listed in ${door.failedItems}).`) +
            (type === 'files'
                ? ` Set ${door.input('batch_size')} to your plan's limit to avoid the extra requests.`
                : '')
    }),
    'purge-item-refused': entry({
        title: 'Item refused by Cloudflare',
        severity: 'error',
        cause: 'Cloudflare refused a request because of some of its items (an invalid URL, tag, host or prefix); the items its answer named failed, and the rest of the request was sent again without them.',
        detection: 'Cloudflare: a 400 on `purge_cache` whose message is about an item ("Unable to purge …, which is an invalid URL.") or quotes one',
        fix: 'Correct or remove the item named in `failed_items`; the other items of its request were purged.',
        docs: DOCS.purge,
        message: ({ detail }) => `Cloudflare refused this item on its own: ${detail}. The other items sent with it were purged without it.`
    }),
    'success-with-errors': entry({
        title: 'Cloudflare reported errors beside a success',
        severity: 'warning',
        cause: 'Cloudflare answered `success: true` and listed errors as well.',
        detection: 'Cloudflare: `success: true` with a non-empty `errors` array',
        fix: "Nothing needed unless the message says otherwise; the call counts as done (`success` is Cloudflare's verdict).",
        docs: DOCS.status,
        message: ({ endpoint, detail }) => `Cloudflare answered ${endpoint} with success, and listed errors as well: ${detail}. The call counts as ` +
            "done, as Cloudflare's `success` says; read the message in case it matters to you."
    }),
    'batch-size-above-limit': entry({
        heading: (door) => `${titled(door, 'batch_size')} above the plan's limit`,
        severity: 'warning',
        cause: "`batch_size` is larger than the URLs per request that Cloudflare documents for the zone's plan.",
        detection: "the zone's plan (`GET /zones/{id}`) against Cloudflare's documented limits, before purging",
        fix: "Remove `batch_size`: the action follows each plan's limit by itself.",
        docs: DOCS.purge,
        message: ({ batchSize, limit, plan, zone }, door) => `${door.set('batch_size', String(batchSize))} is above the ${limit} URLs per request that Cloudflare allows on the ` +
            `${plan} plan of ${zone}, so Cloudflare may refuse those requests (they are then split and sent again, ` +
            `which costs extra requests). Remove ${door.input('batch_size')}: ${door.self} follows each plan's limit by itself.`
    }),
    'purge-not-sent': entry({
        title: 'Time ran out',
        severity: 'error',
        cause: 'The `timeout` ran out before the rate limit let every purge request go.',
        detection: 'pacing: the next allowed send time is past the deadline set by `timeout`',
        fix: 'Raise `timeout`, or purge by prefix or tag to send fewer requests.',
        docs: DOCS.limits,
        message: ({ limit }, door) => `They were never sent: the time allowed by ${door.input('timeout')} ran out before the rate limit (${limit}) ` +
            `let them go. Raise ${door.input('timeout')}, or purge by prefix or tag to send fewer requests.`
    }),
    'api-budget-exhausted': entry({
        title: "Held back by Cloudflare's API request limit",
        severity: 'error',
        cause: "The credential's API request limit (1,200 requests per 5 minutes per user or token, shared with every other tool of the account) had no room left but the part the action keeps for those tools, and it frees up only after the `timeout`.",
        detection: "the `Ratelimit` / `Ratelimit-Policy` headers of Cloudflare's answers (or the run's own count when they are absent), before every API call: the verify call, zone lookups, environments and purges",
        fix: 'Run again once the window frees up, raise `timeout` past that, or purge by prefix or tag to send fewer requests.',
        docs: DOCS.limits,
        message: ({ quota, windowSeconds, kept, freesInSeconds }, door) => `They were not sent: Cloudflare's API request limit for this user or token (${quota.toLocaleString('en-US')} ` +
            `requests per ${windowWords(windowSeconds)}) had no room left but the ${kept} requests kept for the ` +
            "account's other tools (going over it blocks every API call of the account's user for 5 minutes), and it " +
            `frees up in ${describeWait(freesInSeconds)}, after the time allowed by ${door.input('timeout')}. Run again ` +
            `after that, raise ${door.input('timeout')} past it, or purge by prefix or tag to send fewer requests.`
    }),
    'purge-failed': entry({
        title: 'Purge failed',
        severity: 'error',
        cause: 'Cloudflare refused a purge request for another reason.',
        detection: 'Cloudflare: any other error on `purge_cache`, codes and messages quoted verbatim with the HTTP status',
        fix: "Read Cloudflare's message in the annotation; the items are listed in `failed_items`.",
        docs: DOCS.purge,
        message: ({ detail }) => `Cloudflare refused the purge: ${detail}.`
    }),
    'cloudflare-error': entry({
        title: 'Cloudflare API error',
        severity: 'error',
        cause: 'Any other answer from Cloudflare.',
        detection: 'Cloudflare: codes and messages quoted verbatim with the HTTP status and endpoint',
        fix: "Read Cloudflare's codes and message; check https://www.cloudflarestatus.com/ for incidents.",
        docs: DOCS.status,
        message: ({ detail }) => `Cloudflare answered an error: ${detail}.`
    }),
    'unreadable-answer': entry({
        title: 'Unreadable answer from Cloudflare',
        severity: 'error',
        cause: 'Cloudflare answered HTTP 200, but the body was cut short, not JSON, or lacked the expected result; or any answer was larger than 1 MiB.',
        detection: 'the answer to any call, after the retries allowed',
        fix: 'Run again; if it persists, check https://www.cloudflarestatus.com/ and any proxy in between.',
        docs: DOCS.status,
        message: ({ detail, purge }) => `Cloudflare's answer could not be read: ${detail}.` +
            (purge
                ? ' The items may or may not have been purged, so they are reported as not purged: running again purges them again, which is harmless.'
                : ' Run again; if it persists, check https://www.cloudflarestatus.com/ and any proxy in between.')
    }),
    'unexpected-error': entry({
        title: 'Unexpected failure',
        severity: 'error',
        cause: 'Something other than Cloudflare failed: the runner (outputs, summary) or a bug in the action.',
        detection: 'any error that is not an answer from Cloudflare; the stack trace goes to the debug log only',
        fix: 'Re-run with debug logging enabled and report the message and the log.',
        docs: DOCS.ghDebug,
        message: ({ detail }, door) => `${door.Self} stopped on an unexpected error, not an answer from Cloudflare: ${detail}. ${door.debug}`
    }),
    'network-error': entry({
        title: 'Cannot reach Cloudflare',
        severity: 'error',
        cause: 'The API could not be reached, or kept failing (timeouts, resets, 5xx) beyond the retry budget.',
        detection: 'network errors, timeouts, 5xx and HTML error pages after every retry',
        fix: 'Check `api_url`, proxy settings and https://www.cloudflarestatus.com/; run again.',
        docs: DOCS.status,
        message: ({ detail }, door) => `Could not get an answer from the Cloudflare API: ${detail}. Check ${door.input('api_url')} and any proxy ` +
            '(HTTPS_PROXY / NO_PROXY), and https://www.cloudflarestatus.com/ for incidents; then run again.'
    }),
    // ── At the edge (verify) ──────────────────────────────────────────────────
    'verify-off': entry({
        heading: (door) => `Needs ${door.input('verify')}`,
        severity: 'error',
        cause: '`warm`, `verify_urls` or `verify_limit` is set while `verify` is not `true`.',
        detection: 'input, before any request',
        fix: 'Add `verify: true`, or remove the input.',
        docs: DOCS.verify,
        message: ({ input }, door) => `${door.input(input)} works on the URLs checked at the edge after the purge, and nothing is checked ` +
            `unless ${door.set('verify', 'true')} is given. Add ${door.set('verify', 'true')}, or remove ${door.input(input)}.`
    }),
    'verify-no-urls': entry({
        title: 'Nothing to check at the edge',
        severity: 'warning',
        cause: '`verify: true` with a purge that names no URL (tags, hosts, prefixes or everything) and no `verify_urls`.',
        detection: 'input, before any request',
        fix: 'List a few URLs that the purge covers in `verify_urls`.',
        docs: DOCS.verify,
        message: (_, door) => `${door.set('verify', 'true')} is given, but this purge names no URL (tags, hosts, prefixes or everything), ` +
            `so there is nothing to request at the edge. List a few URLs the purge covers in ${door.input('verify_urls')}, ` +
            `in the same form as ${door.input('files')}.`
    }),
    'edge-stale': entry({
        title: 'Still cached after the purge',
        severity: 'error',
        cause: 'A URL answered `CF-Cache-Status: HIT` with an `Age` older than the purge, twice, a second apart.',
        detection: 'at the edge: a GET after the purge, its `CF-Cache-Status` and `Age`',
        fix: 'Check that the URL is the one cached (scheme, host, path, query; the cache-key headers of a custom cache key), then purge it again.',
        docs: DOCS.verifyCheck,
        message: ({ count: n, examples }) => `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(n, 'URL was', 'URLs were')} still served from a copy cached before the purge: ` +
            `${listWords(examples)}${more(n, examples, ' (all are in the summary)')}. ` +
            'Cloudflare accepted the purge, but it did not reach this copy: the URL purged may differ from the one ' +
            'cached (scheme, host, path, query, or the headers of a custom cache key). Check it, then purge again.'
    }),
    'edge-not-proxied': entry({
        title: 'Not served through Cloudflare',
        severity: 'warning',
        cause: 'A URL answered without a `CF-Cache-Status` header.',
        detection: 'at the edge: a GET after the purge, no `CF-Cache-Status` in the answer',
        fix: "Check the URL's host: its DNS record proxied (orange cloud) in this zone, and no other CDN in front.",
        docs: DOCS.proxied,
        message: ({ count: n, examples }) => `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(n, 'URL answered', 'URLs answered')} without a CF-Cache-Status header, so Cloudflare does not serve ` +
            `${n === 1 ? 'it' : 'them'} and purging changes nothing there: ${listWords(examples)}${more(n, examples)}. ` +
            "The host's DNS record may be grey-clouded (DNS only), another CDN may be in front, or the host may be wrong."
    }),
    'edge-not-cached': entry({
        title: 'Not cached by Cloudflare',
        severity: 'notice',
        cause: 'A URL answered `CF-Cache-Status: DYNAMIC` or `BYPASS` (or `NONE`, `UNKNOWN`).',
        detection: 'at the edge: a GET after the purge, its `CF-Cache-Status`',
        fix: 'Nothing to do for the purge; to cache the URL, add a Cache Rule that makes it eligible.',
        docs: DOCS.cacheStatus,
        message: ({ count: n, examples }) => `Cloudflare does not cache ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(n, 'URL', 'URLs')}, so purging ${n === 1 ? 'it' : 'them'} changes nothing: ` +
            `${listWords(examples)}${more(n, examples)}. ` +
            'A Cache Rule can make such URLs eligible for caching, if they should be cached.'
    }),
    'edge-unchecked': entry({
        title: 'Could not check at the edge',
        severity: 'warning',
        cause: 'A GET of a purged URL failed (DNS, connection, timeout) or its answer could not be read.',
        detection: 'at the edge: a GET after the purge that got no readable answer',
        fix: 'Check that the runner can reach the URL (and any proxy: HTTPS_PROXY, NO_PROXY); the purge itself was accepted.',
        docs: DOCS.verifyCheck,
        message: ({ count: n, examples }, door) => `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(n, 'URL', 'URLs')} could not be checked at the edge: ${listWords(examples)}${more(n, examples)}. ` +
            `The purge was accepted; only the check failed. Check that the ${door.machine} can reach these URLs, ` +
            'through the proxy if one is set (HTTPS_PROXY, NO_PROXY).'
    })
};
/** A reportable finding for one occurrence of a diagnosis: its facts, and its words in the action's. */
function diagnose(id, ...params) {
    const d = catalogue[id];
    const facts = params[0] ?? {};
    return { id, title: d.title, severity: d.severity, message: d.message(facts, _door_js__WEBPACK_IMPORTED_MODULE_1__/* .ACTION_DOOR */ .c), params: facts };
}
/** The catalogue's entry for a finding, when it comes from the catalogue. */
function entryOf(finding) {
    return Object.hasOwn(catalogue, finding.id)
        ? catalogue[finding.id]
        : undefined;
}
/** A finding in the words of a front door: from its facts when it comes from the catalogue, else as it is. */
function render(finding, door) {
    const d = entryOf(finding);
    if (!d || !finding.params)
        return finding.message;
    const words = d.message(inDoorWords(finding.params, door), door);
    return finding.tally ? tallied(finding.tally, words, door) : words;
}
/** A finding's title in the words of a front door. */
function heading(finding, door) {
    return entryOf(finding)?.heading(door) ?? finding.title;
}
/**
 * A finding's facts with the details of lower layers (a client's error, a URL's flaw) in the door's words:
 * such a detail names an input as the action does, in backquotes (`timeout`), and the door names it its way.
 */
function inDoorWords(value, door) {
    if (typeof value === 'string')
        return value.replace(/`([a-z_]+)`/g, (_, name) => door.input(name));
    if (Array.isArray(value))
        return value.map((v) => inDoorWords(v, door));
    if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inDoorWords(v, door)]));
    return value;
}
/** The message of a failure, after how many items it left: "3 items on example.com not purged (…). <words>" */
function tallied(t, words, door) {
    return t.eachOnItsOwn && t.items > 1
        ? `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(t.items, 'item')} on ${t.zone} not ${t.past}: Cloudflare refused each of them on its own (its ` +
            `words for each are in ${door.failedItems}). The first: ${words}`
        : `${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(t.items, 'item')} on ${t.zone} not ${t.past} (listed in ${door.failedItems}). ${words}`;
}


/***/ }),

/***/ 6801:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ ACTION_DOOR)
/* harmony export */ });
// A front door is how a person runs the engine: the GitHub Action, or the command line. A finding carries
// facts (its catalogue id and params); its words come from the catalogue and the door that runs, which
// says how that person names an input, keeps a secret, reads debug output and finds the items not purged.
/** The action's words: its inputs in backquotes, secrets of the repository, the job's debug logging. */
const ACTION_DOOR = {
    input: (name) => `\`${name}\``,
    set: (name, value) => `\`${name}: ${value}\``,
    self: 'the action',
    Self: 'The action',
    secret: 'the secret',
    passSecret: (input) => `passed from a secret: \`${input}: \${{ secrets.CLOUDFLARE_API_TOKEN }}\`. If the secret is set but ` +
        'arrives empty, check its name and that the workflow may read it (secrets are not passed to workflows ' +
        'triggered from forks).',
    machine: 'runner',
    addressAdvice: 'GitHub-hosted runners change address on every run. Remove the filter, or use a self-hosted runner whose ' +
        'address the filter allows.',
    filesFromBase: 'The path is relative to the workspace (GITHUB_WORKSPACE); check that an earlier step wrote the file and ' +
        'that the job checked out the repository.',
    failedItems: 'the failed_items output',
    debug: 'Re-run the job with debug logging enabled to see where it happened, and report it with that log.'
};


/***/ }),

/***/ 6523:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ DiagnosedFailure),
/* harmony export */   S: () => (/* binding */ NotSentError)
/* harmony export */ });
class DiagnosedFailure extends Error {
    findings;
    constructor(findings) {
        super(findings.map((f) => `${f.title}: ${f.message}`).join('\n'));
        this.findings = findings;
        this.name = 'DiagnosedFailure';
    }
}
/** A purge request that was never sent: the `timeout` ran out before the rate limit let it go. */
class NotSentError extends Error {
    endpoint;
    constructor(endpoint) {
        super('not sent: the time allowed by `timeout` ran out before the rate limit let this request go');
        this.endpoint = endpoint;
        this.name = 'NotSentError';
    }
}


/***/ }),

/***/ 8750:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ diagnoseError)
/* harmony export */ });
/* harmony import */ var _cloudflare_budget_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3550);
/* harmony import */ var _cloudflare_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(7640);
/* harmony import */ var _cloudflare_refusals_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(18);
/* harmony import */ var _catalogue_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(5752);
/* harmony import */ var _failure_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(6523);
/* harmony import */ var _target_errors_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(1346);
// Turns an error from the Cloudflare client into the catalogue entry that explains it.
// The codes matched are those Cloudflare's answers carry for each case, as observed and recorded with
// their messages in emulator/README.md (credential, zone and route codes) and src/cloudflare/refusals.ts;
// 971 "Please wait and consider throttling your request speed" comes with every 429 of the API, and
// 10100 is the older code of that answer that API users reported.






/** The API-wide limit, in words, for a 429 outside the purge itself. */
const GLOBAL_LIMIT_WORDS = 'the API limit of 1,200 requests per 5 minutes per user or token (going over it blocks for 5 minutes)';
function diagnoseError(error, context) {
    if (error instanceof _cloudflare_budget_js__WEBPACK_IMPORTED_MODULE_0__/* .OverBudgetError */ .i_)
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('api-budget-exhausted', error.budget);
    if (error instanceof _failure_js__WEBPACK_IMPORTED_MODULE_4__/* .NotSentError */ .S) {
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('purge-not-sent', {
            limit: context.rateLimit ?? "the purge rate limit of the zone's plan"
        });
    }
    if (!(error instanceof _cloudflare_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .CloudflareError */ .Oi)) {
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('unexpected-error', { detail: error instanceof Error ? error.message : String(error) });
    }
    const zone = context.zone ?? 'this zone';
    const retried = error.attempts > 1 ? `, still after ${error.attempts} attempts` : '';
    // An answer too large to be the API's: named as such, not as a network failure.
    if (error.code === _cloudflare_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ANSWER_TOO_LARGE */ .QA) {
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('unreadable-answer', {
            detail: `${error.message} (${error.endpoint})`,
            purge: context.stage === 'purge'
        });
    }
    if (error.kind === 'network' ||
        error.kind === 'timeout' ||
        (error.kind === 'invalid-response' && error.status !== 200)) {
        const tries = error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('network-error', { detail: `${error.message} (${error.endpoint}${tries})` });
    }
    if (error.status === 429 || error.hasCode(971, 10100)) {
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('rate-limited', {
            waitSeconds: error.retryAfterMs !== undefined ? Math.ceil(error.retryAfterMs / 1000) : undefined,
            ...(error.timeLeftMs !== undefined ? { timeLeftSeconds: Math.floor(error.timeLeftMs / 1000) } : {}),
            answers: error.attempts,
            limit: context.rateLimit ??
                (context.stage === 'purge'
                    ? `the purge rate limit of the zone's plan, and ${GLOBAL_LIMIT_WORDS}`
                    : GLOBAL_LIMIT_WORDS)
        });
    }
    if (error.hasCode(6003, 6111, 6102, 6103))
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('bad-auth-header', { detail: error.describe() });
    if (error.hasCode(9103))
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('global-key-unknown');
    if (error.hasCode(9109)) {
        // Past the verify stage the token was found active (its verdict is reported first), so a refusal
        // now is about where the request comes from.
        return context.stage !== 'verify' || context.verified
            ? (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('token-ip-restricted', { detail: error.describe() })
            : (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('token-invalid', {});
    }
    const target = (0,_target_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .diagnoseTargetError */ ._f)(error, context);
    if (target)
        return target;
    if (error.hasCode(7003, 7000) && context.stage !== 'verify')
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('zone-invalid-id', { zone });
    if (error.hasCode(10000) && context.stage === 'purge' && context.zoneReadable) {
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('purge-not-permitted', { zone });
    }
    if (error.hasCode(10000) && context.stage !== 'verify')
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('zone-not-visible', { zone });
    if (error.hasCode(1000) || (error.status === 401 && context.stage === 'verify'))
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('token-invalid', {});
    if (error.kind === 'invalid-response') {
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('unreadable-answer', {
            detail: `${error.describe()}${retried}`,
            purge: context.stage === 'purge'
        });
    }
    if (context.stage === 'purge') {
        const items = context.items ?? [];
        if (items.length === 1 && (0,_cloudflare_refusals_js__WEBPACK_IMPORTED_MODULE_2__/* .classifyRefusal */ .rN)(error, items)?.about === 'item')
            return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('purge-item-refused', { detail: error.describe() });
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('purge-failed', { detail: `${error.describe()}${retried}` });
    }
    return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnose */ .h4)('cloudflare-error', { detail: `${error.describe()}${retried}` });
}


/***/ }),

/***/ 1346:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   _f: () => (/* binding */ diagnoseTargetError),
/* harmony export */   xS: () => (/* binding */ classifyEnvironmentsError)
/* harmony export */ });
/* unused harmony exports isRoutingError, URL_INVALIDATION_REFUSED */
/* harmony import */ var _cloudflare_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7640);
/* harmony import */ var _catalogue_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(5752);
// What Cloudflare's refusals mean on the invalidate and environment endpoints. Cloudflare documents
// code 1136 for invalidating by URL; its answers for a zone without Version Management are not
// documented, so those are recognised by status and words as well as by the routing codes.


/** Cloudflare's routing error: 7003 "Could not route to …" with 7000 "No route for that URI". */
function isRoutingError(error) {
    return error.kind === 'api' && (error.hasCode(7000, 7003) || error.status === 404);
}
/** Code 1136: invalidating by URL in an environment that selects requests by IP, country, ASN or threat score. */
const URL_INVALIDATION_REFUSED = 1136;
/**
 * The finding for a failed invalidation or environment request, or undefined when the generic diagnosis
 * fits (a rate limit, a network failure, a permission refused on the purge).
 */
function diagnoseTargetError(error, context) {
    if (error.kind !== 'api')
        return undefined;
    const zone = context.zone ?? 'this zone';
    const path = error.endpoint.replace(/^[A-Z]+ /, '');
    if (path.endsWith('/invalidate_cache')) {
        if (error.hasCode(URL_INVALIDATION_REFUSED)) {
            return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_1__/* .diagnose */ .h4)('invalidate-url-refused', {
                zone,
                ...(context.environment ? { environment: context.environment } : {})
            });
        }
        if (isRoutingError(error))
            return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_1__/* .diagnose */ .h4)('invalidate-unavailable', { zone, detail: error.describe() });
    }
    // A routing error on an environment's purge is not about the zone ID, which was read already.
    if (path.includes('/environments/') && isRoutingError(error))
        return (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_1__/* .diagnose */ .h4)('purge-failed', { detail: error.describe() });
    return undefined;
}
const VERSIONING_WORDS = /version|environment|not enabled|not entitled|entitlement|enterprise/i;
function classifyEnvironmentsError(error) {
    if (!(error instanceof _cloudflare_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CloudflareError */ .Oi) || error.kind !== 'api')
        return undefined;
    // An IP filter (9109) and a malformed credential are not about environments.
    if (error.hasCode(9109, 9103, 6003, 6111, 6102, 6103, 971) || error.status === 429)
        return undefined;
    const words = error.errors.some((e) => VERSIONING_WORDS.test(e.message));
    if (words || isRoutingError(error))
        return 'not-enabled';
    if (error.status === 403 || error.hasCode(10000))
        return 'not-readable';
    // Other 4xx answers on this endpoint: most likely the feature is missing, as far as anyone can tell.
    if (error.status !== undefined && error.status >= 400 && error.status < 500)
        return 'not-enabled';
    return undefined;
}


/***/ }),

/***/ 1887:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   W3: () => (/* binding */ canonicalUrl),
/* harmony export */   bU: () => (/* binding */ canonicalForm),
/* harmony export */   kc: () => (/* binding */ hideUserinfo),
/* harmony export */   q4: () => (/* binding */ COMMA_JOINED),
/* harmony export */   wE: () => (/* binding */ normalizedForm),
/* harmony export */   zC: () => (/* binding */ userinfoSecrets)
/* harmony export */ });
/* harmony import */ var _diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5752);
/* harmony import */ var _cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3977);
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6248);
// The one form a URL to purge takes, whether it came from `files`, a `files_from` file or `changed_paths`:
// what the WHATWG URL parser makes of it (the form browsers request), with the fragment removed.
// Everything that dedupes, assigns zones or builds a request body works on this form. Pure.



/** A user name or password at the start of a value that has no scheme ("user:pass@host/…"). */
const BARE_USERINFO = new RegExp(`^(?!${_patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .SCHEME_NAME */ .sp}://)[^/\\\\?#\\s"'<>]*@(?=[^\\s@]*[a-z0-9])`, 'i');
/** The user name and password of a URL with a scheme. */
const URL_USERINFO = new RegExp(`^${_patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .SCHEME_NAME */ .sp}://([^/\\\\?#]*)@`, 'i');
/** A comma directly before another http(s) URL: a list joined by commas, or a query that holds a URL. */
const COMMA_JOINED = /,\s*https?:\/\//i;
/**
 * The canonical form of a URL to purge, or the finding that says why it cannot be purged.
 * Host in lower case and punycode, default port dropped, path and query as the WHATWG parser
 * serialises them (what a browser requests, so what Cloudflare caches), fragment removed: browsers
 * never send it, so it is never part of a cache key. `zoneName` helps suggest a full URL for a path.
 */
function canonicalUrl(value, zoneName, options = {}) {
    const fail = (finding) => ({ ok: false, finding });
    const shown = hideUserinfo(value);
    if (!_patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .SCHEME_PREFIX */ .fY.test(value)) {
        const suggestion = suggestFullUrl(value, zoneName);
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('relative-url', {
            value: shown,
            ...(suggestion ? { suggestion: hideUserinfo(suggestion) } : {})
        }));
    }
    const lower = value.toLowerCase();
    if (!lower.startsWith('http://') && !lower.startsWith('https://')) {
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-url', { value: shown, reason: 'only http:// and https:// URLs are cached by Cloudflare' }));
    }
    if (/\s/.test(value) || _patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .CONTROL_CHARACTER */ .gW.test(value))
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-url', { value: shown, reason: 'it contains spaces or control characters' }));
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-url', { value: shown, reason: 'it is not a valid URL' }));
    }
    if (!url.hostname)
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-url', { value: shown, reason: 'it has no host name' }));
    const wildcard = wildcardIn(url, options.literalPath === true);
    if (wildcard) {
        const reason = `Cloudflare does not expand wildcards in URLs, and a "*" ${wildcard} reads as one; ` +
            'to purge a folder use `prefixes` (host/path)';
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-url', { value: shown, reason }));
    }
    if (url.username !== '' || url.password !== '') {
        url.username = '';
        url.password = '';
        url.hash = '';
        return fail((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('url-credentials', { value: shown, suggestion: url.href }));
    }
    const hadFragment = url.hash !== '' || url.href.endsWith('#');
    url.hash = '';
    return { ok: true, url: url.href, hadFragment };
}
/**
 * Where a "*" reads as a wildcard: in the host, or at the start or end of a path segment (`/*`, `*.css`,
 * `img*`). One inside a name (`a*b.html`) or in the query (`?q=*`) is literal: Cloudflare purges the URL
 * as written, and `*` is a reserved character that its URL normalization leaves as it is.
 */
function wildcardIn(url, literalPath) {
    if (url.hostname.includes('*'))
        return 'in the host name';
    if (literalPath)
        return undefined;
    const segments = url.pathname.split('/');
    return segments.some((s) => s.startsWith('*') || s.endsWith('*'))
        ? 'at the start or end of a path segment'
        : undefined;
}
/** The canonical form of a URL already known to be valid; the URL itself when it does not parse. */
function canonicalForm(value) {
    const result = canonicalUrl(value);
    return result.ok ? result.url : value;
}
/**
 * The text with the user name and password of a URL replaced by "***", so that a message quoting the
 * URL never shows them. Finds them where the WHATWG parser does: after "scheme://" or "//" (or at the
 * start of a value without either), up to the last "@" before the first "/", "\", "?" or "#".
 */
function hideUserinfo(text) {
    // Both patterns need an "@": most URLs have none, and a list of 100,000 spent a second here.
    if (!text.includes('@'))
        return text;
    return (text
        // The look-behind starts a scheme only where a run of scheme characters starts: linear on any text.
        .replace(/(?<![a-z0-9+.-])((?:[a-z0-9+.-]+:)?\/\/)[^/\\?#\s"'<>]*@/gi, '$1***@')
        .replace(BARE_USERINFO, '***@'));
}
/**
 * The password written into a URL, in the forms a log line could show it (the URL itself, "user:password",
 * the password as written and decoded), to be masked like the secrets. Empty when there is none.
 * A password of fewer than 4 characters is left out: masking it would garble every log line.
 */
function userinfoSecrets(value) {
    const trimmed = value.trim();
    const match = URL_USERINFO.exec(trimmed);
    const userinfo = match?.[1] ?? '';
    const colon = userinfo.indexOf(':');
    const password = colon === -1 ? '' : userinfo.slice(colon + 1);
    if (password === '')
        return [];
    const forms = [trimmed, userinfo, password, (0,_patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .safeDecode */ .ex)(password)];
    return [...new Set(forms)].filter((s) => s.length >= 4);
}
function suggestFullUrl(value, zoneName) {
    if (value.startsWith('//'))
        return `https:${value}`;
    if (value.startsWith('/'))
        return zoneName ? `https://${zoneName}${value}` : undefined;
    const host = value.split('/')[0] ?? '';
    if ((0,_cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__/* .toAsciiHostname */ .Eq)(host))
        return `https://${value}`;
    return zoneName ? `https://${zoneName}/${value}` : undefined;
}
/** RFC 3986 unreserved characters: the escapes of these are decoded by Cloudflare's URL normalization. */
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
/** What the normalization leaves as it is besides the unreserved: the reserved characters and "%". */
const KEPT = /[A-Za-z0-9._~\-:/?#[\]@!$&'()*+,;=%]/;
/**
 * The URL as Cloudflare's cache sees it when the zone normalizes incoming URLs (on by default, type
 * "cloudflare", Cloudflare's "URL normalization" docs): in the path, "//" merged, escapes of unreserved
 * characters decoded (`%7e` → `~`), other escapes upper-cased, any other character percent-encoded, dot
 * segments removed. The query is left as written: the docs show no query normalized. Undefined when that
 * form is the URL itself (`url` is canonical).
 */
function normalizedForm(url) {
    const parsed = new URL(url);
    const path = parsed.pathname
        .replace(/\/{2,}/g, '/')
        .replace(/%([0-9a-f]{2})/gi, (escape, hex) => {
        const c = String.fromCharCode(parseInt(hex, 16));
        return UNRESERVED.test(c) ? c : escape.toUpperCase();
    })
        .replace(/[^]/gu, (c) => (KEPT.test(c) ? c : encodeURIComponent(c)));
    if (path === parsed.pathname)
        return undefined;
    parsed.pathname = path;
    return parsed.href === url ? undefined : parsed.href;
}


/***/ }),

/***/ 7748:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $D: () => (/* binding */ checkTokenShape),
/* harmony export */   Qm: () => (/* binding */ cleanSecret),
/* harmony export */   rg: () => (/* binding */ classifySecret),
/* harmony export */   xf: () => (/* binding */ isEmail),
/* harmony export */   yE: () => (/* binding */ checkGlobalKeyShape)
/* harmony export */ });
/* harmony import */ var _diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5752);
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6248);
/* harmony import */ var _list_syntax_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(2789);
// Recognises what a pasted secret is, and cleans the harmless mistakes (padding, "Bearer ").



const GLOBAL_KEY_LEGACY = /^[0-9a-f]{37,45}$/;
const GLOBAL_KEY_NEW = /^cfk_[A-Za-z0-9]{40}[0-9a-f]{8}$/;
const USER_TOKEN_NEW = /^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/;
const ACCOUNT_TOKEN_NEW = /^cfat_[A-Za-z0-9]{40}[0-9a-f]{8}$/;
const TOKEN_LEGACY = /^[A-Za-z0-9_-]{40}$/;
/** What may go into an HTTP header value without ambiguity: Cloudflare's credentials use no more. */
const CREDENTIAL_CHARS = /^[A-Za-z0-9_-]+$/;
const EMAIL = /^[^\s@"'<>,;]+@[^\s@"'<>,;]+\.[^\s@"'<>,;]+$/;
/** Guesses what kind of Cloudflare credential a cleaned secret is, from its shape alone. */
function classifySecret(value) {
    if (value.startsWith('v1.0-'))
        return 'origin-ca-key';
    if (GLOBAL_KEY_LEGACY.test(value) || GLOBAL_KEY_NEW.test(value))
        return 'global-key';
    if (USER_TOKEN_NEW.test(value))
        return 'user-token';
    if (ACCOUNT_TOKEN_NEW.test(value))
        return 'account-token';
    if (TOKEN_LEGACY.test(value))
        return 'token';
    // Zone, account and token IDs: never a secret, but they sit next to the secrets in the dashboard.
    if (_patterns_js__WEBPACK_IMPORTED_MODULE_1__/* .HEX32_ID */ .$9.test(value))
        return 'id';
    return 'unknown';
}
/** Removes padding, quotes and (for tokens) a pasted "Bearer " prefix, reporting each as a warning. */
function cleanSecret(raw, input, allowBearer) {
    const findings = [];
    let value = raw.trim();
    value = (0,_list_syntax_js__WEBPACK_IMPORTED_MODULE_2__/* .unquote */ ._n)(value).trim();
    if (value !== raw)
        findings.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('secret-padding', { input }));
    if (allowBearer) {
        const bearer = /^(bearer\s+)+/i.exec(value);
        if (bearer) {
            value = value.slice(bearer[0].length);
            findings.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bearer-prefix', { input }));
        }
    }
    if (/\s/.test(value))
        findings.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('secret-inner-space', { input }));
    else if (value !== '' && !CREDENTIAL_CHARS.test(value) && !value.startsWith('v1.0-'))
        findings.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('secret-bad-characters', { input }));
    return { value, findings };
}
/** Errors for a secret that is clearly in the wrong slot. */
function checkTokenShape(token) {
    const shape = classifySecret(token);
    if (shape === 'origin-ca-key')
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('origin-ca-key', { input: 'api_token' })];
    if (shape === 'global-key')
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('global-key-as-token')];
    if (shape === 'id')
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('id-as-secret', { input: 'api_token' })];
    return [];
}
function checkGlobalKeyShape(key) {
    const shape = classifySecret(key);
    if (shape === 'origin-ca-key')
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('origin-ca-key', { input: 'global_key' })];
    if (shape === 'user-token' || shape === 'account-token' || shape === 'token')
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('token-as-global-key')];
    if (shape === 'id')
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('id-as-secret', { input: 'global_key' })];
    return [];
}
/** An address that is also a safe header value: visible ASCII only, at most 254 characters (RFC 5321). */
function isEmail(value) {
    return value.length <= 254 && /^[\x21-\x7e]+$/.test(value) && EMAIL.test(value);
}


/***/ }),

/***/ 7477:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bj: () => (/* binding */ parseFiles),
/* harmony export */   Qq: () => (/* binding */ dedupe),
/* harmony export */   mC: () => (/* binding */ parsePrefixes),
/* harmony export */   rL: () => (/* binding */ parseTags),
/* harmony export */   tB: () => (/* binding */ parseHosts),
/* harmony export */   wm: () => (/* binding */ fileKey)
/* harmony export */ });
/* unused harmony export maskedStart */
/* harmony import */ var _diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5752);
/* harmony import */ var _cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3977);
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6248);
/* harmony import */ var _canonical_url_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(1887);
/* harmony import */ var _list_syntax_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(2789);
// Parses the item inputs (files, tags, hosts, prefixes) into validated, deduplicated lists.
//
// One list syntax (list-syntax.ts): `files` (and a `files_from` file) take URLs separated by whitespace,
// a comma at the end of each, or a JSON array; `zone`, `tags`, `hosts` and `prefixes` take items separated
// by commas or newlines, or a JSON array of strings; `changed_paths` takes one mapping per line.





/** What an HTTP header value may hold (RFC 9110 field-value): tab, visible ASCII, space, obs-text. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** A finding for an item of a comma-separated list that has a "#" after a space: a comment that is not one. */
function inlineComment(input, value) {
    return /\s#/.test(value) ? (0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('inline-comment', { input, text: value }) : undefined;
}
/**
 * Parses `files`: a JSON array (strings and {url, headers} objects) when it starts with "[",
 * otherwise URLs separated by whitespace, each of which may end with a comma (one URL a line, a comma
 * after each). Every URL is canonical (see canonical-url.ts). `zoneName` helps suggest a full URL for a
 * bare path.
 */
function parseFiles(text, source, zoneName) {
    const masked = source.input === 'files_from';
    const lines = (0,_list_syntax_js__WEBPACK_IMPORTED_MODULE_4__/* .numberedContentLines */ .V0)(text);
    const trimmed = lines
        .map((l) => l.line)
        .join('\n')
        .trim();
    const out = { items: [], errors: [], fragments: [] };
    if (trimmed === '')
        return out;
    if (trimmed.startsWith('[') || trimmed.startsWith('{'))
        return parseFilesJson(trimmed, source, zoneName);
    const notUrls = [];
    for (const { line, number } of lines) {
        const values = line.trim().split(/\s+/);
        const comment = values.findIndex((v) => v.startsWith('#'));
        if (comment !== -1) {
            const text = masked ? `line ${number}` : (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(line.trim());
            out.errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('inline-comment', { ...source, text }));
            values.length = comment;
        }
        for (const value of values.map(listToken).filter((v) => v !== '')) {
            if (masked && !_patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .URL_SCHEME */ .cr.test(value))
                notUrls.push({ value, number });
            // "https://a/x,https://a/y" may be two URLs or one whose query holds a URL: a JSON array says which.
            else if (_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .COMMA_JOINED */ .q4.test(value)) {
                out.errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('urls-joined-by-commas', { example: (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(value) }));
            }
            else
                addFile(out, { url: value }, zoneName);
        }
    }
    if (notUrls.length > 0 && source.input === 'files_from')
        out.errors.push(notAUrlList(source.file, notUrls));
    return out;
}
/** A whitespace-separated token of a URL list without the commas and the quotes around it. */
function listToken(token) {
    return (0,_list_syntax_js__WEBPACK_IMPORTED_MODULE_4__/* .unquote */ ._n)(token.replace(/^,+|,+$/g, '')).replace(/^,+|,+$/g, '');
}
/**
 * One finding for every line of a file that is not a URL: its line numbers, and the first characters of
 * the first such line, never the lines themselves (a file given by mistake may hold secrets).
 */
function notAUrlList(file, tokens) {
    const numbers = [...new Set(tokens.map((t) => t.number))];
    const first = tokens[0];
    return (0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('files-not-urls', {
        input: 'files_from',
        file,
        lines: numbers,
        start: maskedStart(first.value)
    });
}
/** The first four characters of a value and "…": enough to recognise a file, too few to leak a secret. */
function maskedStart(value) {
    const chars = [...value];
    return chars.length <= 4 ? `${chars[0] ?? ''}…` : `${chars.slice(0, 4).join('')}…`;
}
/** Checks the URL of an item and adds it in canonical form, or adds the reason it cannot be purged. */
function addFile(out, item, zoneName) {
    const result = (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .canonicalUrl */ .W3)(item.url, zoneName);
    if (!result.ok) {
        out.errors.push(result.finding);
        return;
    }
    if (result.hadFragment)
        out.fragments.push([item.url, result.url]);
    out.items.push({ ...item, url: result.url });
}
function parseFilesJson(text, source, zoneName) {
    const out = { items: [], errors: [], fragments: [] };
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (e) {
        // V8 quotes the text in its message (all of it when short, else up to ten characters either side of
        // the error, between "..." marks): it may hold a URL's password, so that part is left out.
        const detail = e.message.replace(/,\s*(?:\.\.\.)?".*" is not valid JSON$/s, '');
        const reason = `it is not valid JSON (${(0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(detail)})`;
        out.errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-files-json', { ...source, reason }));
        return out;
    }
    if (!Array.isArray(data)) {
        out.errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-files-json', {
            ...source,
            reason: 'it is not an array (wrap a single object in [ ])'
        }));
        return out;
    }
    data.forEach((entry, index) => {
        const item = toFileItem(entry);
        if (typeof item === 'string')
            out.errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-files-json', { ...source, reason: `item ${index + 1} ${item}` }));
        else
            addFile(out, item, zoneName);
    });
    return out;
}
/** A file item, or a sentence fragment saying why the JSON entry is not one. */
function toFileItem(entry) {
    if (typeof entry === 'string')
        return { url: entry.trim() };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        return 'is neither a URL string nor an object with "url"';
    }
    const { url, headers, ...rest } = entry;
    if (typeof url !== 'string')
        return 'has no "url" string';
    const extra = Object.keys(rest);
    if (extra.length > 0)
        return `has unknown field "${extra[0]}" (only "url" and "headers" are allowed)`;
    if (headers === undefined)
        return { url: url.trim() };
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
        return 'has "headers" that is not an object of header names to values';
    }
    const clean = {};
    const seen = new Map();
    for (const [name, value] of Object.entries(headers)) {
        if (typeof value !== 'string')
            return `has header "${name}" whose value is not a string`;
        // Header names are case-insensitive (RFC 9110): two spellings of one name make one cache key ambiguous.
        const twin = seen.get(name.toLowerCase());
        if (twin !== undefined)
            return `has header "${twin}" twice (also as "${name}"); header names ignore case`;
        seen.set(name.toLowerCase(), name);
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
            return `has an invalid header name "${name}"`;
        if (!HEADER_VALUE.test(value))
            return `has header "${name}" with a line break or control character in its value`;
        clean[name] = value;
    }
    return Object.keys(clean).length > 0 ? { url: url.trim(), headers: clean } : { url: url.trim() };
}
/**
 * Two files are the same item when their canonical URLs match and so do their headers (names in any
 * case): the same URL with different headers purges different cached variants.
 */
function fileKey(item) {
    const url = (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .canonicalForm */ .bU)(item.url);
    if (!item.headers)
        return url;
    const headers = Object.entries(item.headers)
        .map(([k, v]) => `${k.toLowerCase()}:${v}`)
        .sort();
    return `${url}\n${headers.join('\n')}`;
}
// ── tags, hosts, prefixes ───────────────────────────────────────────────────
function parseTags(text) {
    const items = [];
    const errors = [];
    for (const value of (0,_list_syntax_js__WEBPACK_IMPORTED_MODULE_4__/* .splitList */ .ry)(text)) {
        const comment = inlineComment('tags', value);
        if (comment)
            errors.push(comment);
        else if (value.length > 1024)
            errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-tag', { value: `${value.slice(0, 40)}…`, reason: `is ${value.length} characters long` }));
        else if (/\s/.test(value))
            errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-tag', { value, reason: 'contains a space' }));
        else if (!/^[\x21-\x7e]+$/.test(value))
            errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-tag', { value, reason: 'contains characters that are not printable ASCII' }));
        else
            items.push(value);
    }
    return { items, errors };
}
/**
 * A finding for a `hosts` or `prefixes` item that is several valid items separated by spaces, which
 * these inputs do not take as a separator (commas or newlines do).
 */
function joinedBySpaces(input, value, valid) {
    const parts = value.split(/\s+/);
    if (parts.length < 2 || !parts.every(valid))
        return undefined;
    return (0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('items-joined-by-spaces', {
        input,
        value: (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(value),
        suggestion: parts.join(', ')
    });
}
function parseHosts(text) {
    const items = [];
    const errors = [];
    for (const value of (0,_list_syntax_js__WEBPACK_IMPORTED_MODULE_4__/* .splitList */ .ry)(text)) {
        const ascii = (0,_cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__/* .toAsciiHostname */ .Eq)(value);
        if (ascii) {
            items.push(ascii);
            continue;
        }
        const problem = inlineComment('hosts', value) ?? joinedBySpaces('hosts', value, (p) => Boolean((0,_cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__/* .toAsciiHostname */ .Eq)(p)));
        if (problem) {
            errors.push(problem);
            continue;
        }
        const stripped = value
            .replace(_patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .URL_SCHEME */ .cr, '')
            .replace(/[/\\?#].*$/s, '')
            .replace(/^.*@/s, '');
        const suggestion = stripped !== value ? (0,_cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__/* .toAsciiHostname */ .Eq)(stripped) : undefined;
        const reason = suggestion
            ? 'has a scheme or a path'
            : /:\d+$/.test(value)
                ? 'has a port'
                : 'is not a valid hostname';
        errors.push((0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-host', { value: (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(value), reason, suggestion }));
    }
    return { items, errors };
}
function parsePrefixes(text, zoneName) {
    const items = [];
    const errors = [];
    for (const value of (0,_list_syntax_js__WEBPACK_IMPORTED_MODULE_4__/* .splitList */ .ry)(text)) {
        const prefix = parsePrefix(value, zoneName);
        if (typeof prefix === 'string')
            items.push(prefix);
        else
            errors.push(prefix);
    }
    return { items, errors };
}
/** A prefix in the form Cloudflare takes (host in ASCII, path as written), or why it is not one. */
function parsePrefix(value, zoneName) {
    const bad = (reason, suggestion) => (0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('bad-prefix', {
        value: (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(value),
        reason,
        ...(suggestion ? { suggestion: (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_3__/* .hideUserinfo */ .kc)(suggestion) } : {})
    });
    const problem = inlineComment('prefixes', value) ??
        joinedBySpaces('prefixes', value, (p) => typeof parsePrefix(p) === 'string');
    if (problem)
        return problem;
    const schemeMatch = _patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .URL_SCHEME */ .cr.exec(value);
    const withoutScheme = schemeMatch ? value.slice(schemeMatch[0].length) : value;
    const clean = withoutScheme.replace(/[?#].*$/s, '').replace(/^[^/]*@/, '');
    if (schemeMatch)
        return bad('has a scheme', clean);
    if (/[?#]/.test(value))
        return bad('has a query string or fragment', clean);
    if (/\s/.test(value) || _patterns_js__WEBPACK_IMPORTED_MODULE_2__/* .CONTROL_CHARACTER */ .gW.test(value) || value.includes('*'))
        return bad('contains spaces, control characters or a wildcard');
    const slash = value.indexOf('/');
    const host = slash === -1 ? value : value.slice(0, slash);
    const ascii = (0,_cloudflare_hostnames_js__WEBPACK_IMPORTED_MODULE_1__/* .toAsciiHostname */ .Eq)(host);
    if (!ascii) {
        const suggestion = value.startsWith('/') && zoneName ? `${zoneName}${value}` : undefined;
        return bad('does not start with a host name', suggestion);
    }
    const path = slash === -1 ? '' : value.slice(slash);
    if ((path.match(/\//g) ?? []).length > 31)
        return bad('has more than 31 path separators, the most Cloudflare accepts');
    return `${ascii}${path}`;
}
/** Keeps the first of each item with the same key, in order. */
function dedupe(items, key) {
    const seen = new Set();
    return items.filter((item) => {
        const k = key(item);
        if (seen.has(k))
            return false;
        seen.add(k);
        return true;
    });
}


/***/ }),

/***/ 2789:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $X: () => (/* binding */ contentLines),
/* harmony export */   KZ: () => (/* binding */ isOneCommentLine),
/* harmony export */   V0: () => (/* binding */ numberedContentLines),
/* harmony export */   X5: () => (/* binding */ cleanText),
/* harmony export */   _n: () => (/* binding */ unquote),
/* harmony export */   ry: () => (/* binding */ splitList)
/* harmony export */ });
/* unused harmony export jsonStrings */
/* harmony import */ var _patterns_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6248);
// The list syntax every item input shares, and the noise it reads past: what pasting from a document, a
// chat or `${{ toJSON(…) }}` puts around items (invisible and typographic characters, quotes, brackets,
// a comma at the end of each line). Pure.
//
// One comment rule for all inputs: a line whose first non-blank character is "#" is a comment. A "#"
// anywhere else is part of the value (so the tag "#blog" in "release, #blog").

/** The lines that are neither blank nor comments, with their line numbers. */
function numberedContentLines(text) {
    return text
        .split(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .LIST_LINE_BREAK */ .Qf)
        .map((line, i) => ({ line, number: i + 1 }))
        .filter(({ line }) => {
        const start = line.trimStart();
        return start !== '' && !start.startsWith('#');
    });
}
/** The lines of a list that are neither blank nor comments (first non-blank character "#"). */
function contentLines(text) {
    return numberedContentLines(text).map((l) => l.line);
}
/**
 * Splits a list input into its items: comment and blank lines dropped, then split on `separators`, each
 * item unquoted. A JSON array of strings (what `${{ toJSON(…) }}` gives) is read as such, and brackets
 * around a comma-separated list (`[a, b]`) are dropped.
 */
function splitList(text, separators = /,/) {
    const lines = contentLines(text);
    const whole = lines.join('\n').trim();
    const json = jsonStrings(whole);
    // A line break is a separator everywhere, an escaped one (`\r`, `\n`) inside a JSON string too.
    if (json)
        return json
            .flatMap((s) => s.split(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .LIST_LINE_BREAK */ .Qf))
            .map((s) => s.trim())
            .filter((s) => s !== '');
    const body = /^\[[^]*,[^]*\]$/.test(whole) ? whole.slice(1, -1).split(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .LIST_LINE_BREAK */ .Qf) : lines;
    return body
        .flatMap((line) => line.split(separators))
        .flatMap((item) => quotedWords(item.trim()) ?? [item])
        .map((s) => unquote(s.trim()).trim())
        .filter((s) => s !== '');
}
/** The strings of a JSON array of strings; undefined when the text is not one. */
function jsonStrings(text) {
    if (!text.startsWith('[') || !text.endsWith(']'))
        return undefined;
    try {
        const data = JSON.parse(text);
        return Array.isArray(data) && data.every((v) => typeof v === 'string') ? data : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * True when the whole value is one line, without a line break, and that line is a comment: as in
 * `tags: "#blog, news"`, where nothing would be purged. (A block of lines that are all comments is
 * an empty list written on purpose.)
 */
function isOneCommentLine(text) {
    return !_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .LIST_LINE_BREAK */ .Qf.test(text) && text.trimStart().startsWith('#');
}
// ── quotes ──────────────────────────────────────────────────────────────────
/** Opening quote → the closing quotes that may end it: ASCII, typographic (any locale's pairs), full-width. */
const QUOTE_PAIRS = {
    '"': '"',
    "'": "'",
    '`': '`',
    '\u201c': '\u201d\u201c', // “…” (and “…“)
    '\u201d': '\u201d', // ”…” (Swedish, Finnish)
    '\u201e': '\u201c\u201d', // „…“ (German) and „…” (Polish)
    '\u2018': '\u2019\u2018', // ‘…’
    '\u2019': '\u2019', // ’…’
    '\u201a': '\u2018\u2019', // ‚…‘
    '\u00ab': '\u00bb', // «…»
    '\u00bb': '\u00ab', // »…«
    '\u2039': '\u203a', // ‹…›
    '\uff02': '\uff02', // ＂…＂
    '\uff07': '\uff07' // ＇…＇
};
/** The value without one pair of matching quotes around it, ASCII or typographic. */
function unquote(value) {
    if (value.length < 2)
        return value;
    const closers = QUOTE_PAIRS[value[0]];
    const last = value[value.length - 1];
    return closers?.includes(last) ? value.slice(1, -1) : value;
}
/** `"a" "b"`: two or more quoted words separated by spaces, as items; undefined for anything else. */
function quotedWords(value) {
    const words = value.split(/\s+/);
    if (words.length < 2 || !words.every((w) => unquote(w) !== w))
        return undefined;
    return words;
}
/**
 * The text with no-break and other Unicode spaces read as spaces, Unicode line separators as line breaks,
 * and zero-width characters, byte order marks and bidirectional marks removed: they come with text pasted
 * from documents and chats, and an item that holds one is never what was meant.
 */
function cleanText(text) {
    const found = new Set();
    const note = (c) => {
        found.add(`U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
    };
    const cleaned = text
        .replace(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .ZERO_WIDTH */ .eA, (c) => (note(c), ''))
        .replace(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .INVISIBLE_SPACE */ .NG, (c) => (note(c), ' '))
        .replace(_patterns_js__WEBPACK_IMPORTED_MODULE_0__/* .UNICODE_LINE_BREAK */ .hH, (c) => (note(c), '\n'));
    return { text: cleaned, found: [...found] };
}


/***/ }),

/***/ 8024:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Nk: () => (/* binding */ isEmptyPurge),
/* harmony export */   Rb: () => (/* binding */ withNormalizedForms),
/* harmony export */   nd: () => (/* binding */ zoneMissing),
/* harmony export */   vb: () => (/* binding */ withChangedUrls)
/* harmony export */ });
/* harmony import */ var _diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5752);
/* harmony import */ var _items_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(7477);
/* harmony import */ var _canonical_url_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(1887);
// Rules about the purge request as a whole: when it is empty, when it needs a `zone`, and how the
// changed files' URLs join it. Pure.



/** Nothing to purge: no request needs to be sent at all. */
function isEmptyPurge(purge) {
    return !purge.everything && itemTotal(purge) === 0;
}
/** The request with the changed files' URLs added (and their normalized forms), each URL once. */
function withChangedUrls(purge, urls) {
    const files = (0,_items_js__WEBPACK_IMPORTED_MODULE_1__/* .dedupe */ .Qq)([...purge.files, ...urls.map((url) => ({ url }))], _items_js__WEBPACK_IMPORTED_MODULE_1__/* .fileKey */ .wm);
    return { ...purge, files: withNormalizedForms(files).files };
}
/**
 * Each URL, followed by the form Cloudflare's URL normalization gives it where the two differ (`/%7efoo`
 * is cached as `/~foo` on a zone that normalizes incoming URLs, the default; as written on one that does
 * not): both are purged, which is harmless, so the cached copy goes whichever the zone does. `added`
 * pairs each URL with its second form.
 */
function withNormalizedForms(files) {
    const added = [];
    const out = [];
    for (const file of files) {
        out.push(file);
        const second = (0,_canonical_url_js__WEBPACK_IMPORTED_MODULE_2__/* .normalizedForm */ .wE)(file.url);
        if (second === undefined)
            continue;
        added.push([file.url, second]);
        out.push({ ...file, url: second });
    }
    return { files: added.length > 0 ? (0,_items_js__WEBPACK_IMPORTED_MODULE_1__/* .dedupe */ .Qq)(out, _items_js__WEBPACK_IMPORTED_MODULE_1__/* .fileKey */ .wm) : files, added };
}
/**
 * Without `zone`, each item's zone is found from its hostname; tags and purge_everything have none, so
 * they need a `zone` unless URLs, hosts or prefixes name one (`hostsToCome`: the changed files' URLs
 * are not listed yet and may).
 */
function zoneMissing(zones, purge, hostsToCome = false) {
    const withHost = purge.files.length + purge.hosts.length + purge.prefixes.length > 0 || hostsToCome;
    if (zones.length > 0 || withHost || !(purge.everything || purge.tags.length > 0))
        return undefined;
    return (0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('no-zone', { what: purge.everything ? 'purge_everything' : 'tags' });
}
function itemTotal(purge) {
    return purge.files.length + purge.tags.length + purge.hosts.length + purge.prefixes.length;
}


/***/ }),

/***/ 6248:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $9: () => (/* binding */ HEX32_ID),
/* harmony export */   NG: () => (/* binding */ INVISIBLE_SPACE),
/* harmony export */   Qf: () => (/* binding */ LIST_LINE_BREAK),
/* harmony export */   cr: () => (/* binding */ URL_SCHEME),
/* harmony export */   eA: () => (/* binding */ ZERO_WIDTH),
/* harmony export */   ex: () => (/* binding */ safeDecode),
/* harmony export */   fY: () => (/* binding */ SCHEME_PREFIX),
/* harmony export */   gW: () => (/* binding */ CONTROL_CHARACTER),
/* harmony export */   hH: () => (/* binding */ UNICODE_LINE_BREAK),
/* harmony export */   sp: () => (/* binding */ SCHEME_NAME)
/* harmony export */ });
/* unused harmony exports ANY_LINE_BREAK, TYPOGRAPHIC_QUOTE */
// The character classes and shapes that more than one stage checks text against: one definition each,
// imported wherever a value is checked (inputs, the Cloudflare client, zones). Pure.
/** Control characters (C0, DEL and C1): never part of a URL, a prefix, a name or a header value. */
const CONTROL_CHARACTER = /\p{Cc}/u;
/** A 32-hex ID as Cloudflare writes zone, account and token IDs: lower case (compare after lowering). */
const HEX32_ID = /^[0-9a-f]{32}$/;
/** RFC 3986 scheme: a letter, then letters, digits, "+", "." or "-". The source, to build patterns from. */
const SCHEME_NAME = '[a-z][a-z0-9+.-]*';
/** A value that starts with a scheme and "://", such as `https://` (any case). */
const URL_SCHEME = new RegExp(`^${SCHEME_NAME}://`, 'i');
/** A value that starts with a scheme and ":", with or without slashes (`mailto:`, `https:`). */
const SCHEME_PREFIX = new RegExp(`^${SCHEME_NAME}:`, 'i');
/**
 * Characters that show as nothing, or as a space, when pasted from a document or a chat: no-break and
 * other Unicode spaces, zero-width spaces and joiners, the byte order mark, the soft hyphen and the
 * bidirectional marks. None of them is meant in a list of URLs, tags, hosts or prefixes.
 */
const INVISIBLE_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;
const ZERO_WIDTH = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
/** Line and paragraph separators and NEL, which Unicode treats as line breaks. */
const UNICODE_LINE_BREAK = /[\u0085\u2028\u2029]/gu;
/** A line break of a list input: CRLF, CR or LF (the Unicode ones are cleaned to LF first, with a warning). */
const LIST_LINE_BREAK = /\r\n|\r|\n/;
/** Any line break a log reader or a terminal honours: CRLF, CR, LF and the Unicode ones above. */
const ANY_LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;
/** Typographic quotes (and full-width ones) that word processors put in place of " and '. */
const TYPOGRAPHIC_QUOTE = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb\u2039\u203a\uff02\uff07]/gu;
/** Decodes percent-escapes, or gives the text back as it is when they do not decode (a stray "%"). */
function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}


/***/ }),

/***/ 1715:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ itemCount),
/* harmony export */   FF: () => (/* binding */ limitsForPlan),
/* harmony export */   f: () => (/* binding */ describeItem),
/* harmony export */   ie: () => (/* binding */ batchSizeFindings),
/* harmony export */   iv: () => (/* binding */ chunk),
/* harmony export */   tf: () => (/* binding */ toPurgeBody),
/* harmony export */   un: () => (/* binding */ planBatches)
/* harmony export */ });
/* unused harmony exports FILES_PER_REQUEST, OTHER_PER_REQUEST */
/* harmony import */ var _diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5752);

/**
 * Items per purge request as Cloudflare's purge-cache page gives them
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/, updated August 2026): 100 URLs on Free,
 * Pro and Business, 500 on Enterprise, and 100 tags, hosts or prefixes on every plan. A zone whose plan
 * could not be read is held to the smaller figure; a zone that takes fewer is learnt from its refusal.
 */
const FILES_PER_REQUEST = { free: 100, pro: 100, business: 100, enterprise: 500 };
const OTHER_PER_REQUEST = 100;
/** The plan's limits; `batchSize` (the `batch_size` input) overrides the number of URLs either way. */
function limitsForPlan(plan, batchSize) {
    return { files: batchSize ?? FILES_PER_REQUEST[plan ?? 'free'], other: OTHER_PER_REQUEST };
}
const PLAN_NAMES = {
    free: 'Free',
    pro: 'Pro',
    business: 'Business',
    enterprise: 'Enterprise'
};
/**
 * A warning for each zone whose known plan documents fewer URLs per request than `batch_size`: such
 * requests are refused and split unless the zone takes more than Cloudflare documents. The size is used
 * all the same (it is an override); a zone whose plan is unknown may well be Enterprise, so no warning.
 */
function batchSizeFindings(zones, batchSize) {
    if (batchSize === undefined)
        return [];
    return zones.flatMap((zone) => {
        const limit = zone.plan ? FILES_PER_REQUEST[zone.plan] : undefined;
        if (!zone.plan || limit === undefined || batchSize <= limit)
            return [];
        return [
            (0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)('batch-size-above-limit', {
                batchSize,
                limit,
                plan: PLAN_NAMES[zone.plan],
                zone: zone.name ?? zone.id
            })
        ];
    });
}
function planBatches(zoneId, purge, limits) {
    if (purge.everything)
        return [{ zoneId, type: 'everything', items: [] }];
    // Cloudflare's API schema takes either plain URLs or {url, headers} objects in one request, not a mix.
    const plain = purge.files.filter((f) => !f.headers);
    const withHeaders = purge.files.filter((f) => f.headers);
    return [
        ...chunk(plain, limits.files).map((items) => ({ zoneId, type: 'files', items })),
        ...chunk(withHeaders, limits.files).map((items) => ({ zoneId, type: 'files', items })),
        ...chunk(purge.tags, limits.other).map((items) => ({ zoneId, type: 'tags', items })),
        ...chunk(purge.hosts, limits.other).map((items) => ({ zoneId, type: 'hosts', items })),
        ...chunk(purge.prefixes, limits.other).map((items) => ({ zoneId, type: 'prefixes', items }))
    ];
}
/** Splits into pieces of at most `size`, as even as possible (150 by 100 gives 75 + 75, not 100 + 50). */
function chunk(items, size) {
    if (items.length === 0)
        return [];
    const count = Math.ceil(items.length / Math.max(1, size));
    const base = Math.floor(items.length / count);
    const extra = items.length % count;
    const out = [];
    let start = 0;
    for (let i = 0; i < count; i++) {
        const length = base + (i < extra ? 1 : 0);
        out.push(items.slice(start, start + length));
        start += length;
    }
    return out;
}
function toPurgeBody(batch) {
    switch (batch.type) {
        case 'everything':
            return { purge_everything: true };
        case 'files': {
            const files = batch.items.map((item) => typeof item === 'string'
                ? { url: item }
                : item.headers
                    ? { url: item.url, headers: item.headers }
                    : { url: item.url });
            // A batch holds one form (planBatches); were it ever mixed, every entry goes as an object.
            if (files.some((f) => f.headers))
                return { files };
            return { files: files.map((f) => f.url) };
        }
        case 'tags':
            return { tags: batch.items };
        case 'hosts':
            return { hosts: batch.items };
        case 'prefixes':
            return { prefixes: batch.items };
    }
}
/** How many items a request counts for: purge everything counts as one. */
function itemCount(batch) {
    return batch.type === 'everything' ? 1 : batch.items.length;
}
/** How an item is shown in logs, outputs and the summary. */
function describeItem(item) {
    if (typeof item === 'string')
        return item;
    if (!item.headers)
        return item.url;
    const headers = Object.entries(item.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
    return `${item.url} [${headers}]`;
}


/***/ }),

/***/ 7757:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  NE: () => (/* binding */ describeEnvironment),
  M2: () => (/* binding */ environmentsOf),
  Ok: () => (/* binding */ findEnvironments),
  bS: () => (/* binding */ targetedApi),
  Y$: () => (/* binding */ targetsFor),
  tu: () => (/* binding */ wordsFor)
});

// EXTERNAL MODULE: ./src/diagnosis/catalogue.ts
var catalogue = __nccwpck_require__(5752);
// EXTERNAL MODULE: ./src/diagnosis/from-error.ts
var from_error = __nccwpck_require__(8750);
// EXTERNAL MODULE: ./src/diagnosis/failure.ts
var failure = __nccwpck_require__(6523);
// EXTERNAL MODULE: ./src/diagnosis/target-errors.ts
var target_errors = __nccwpck_require__(1346);
// EXTERNAL MODULE: ./src/cloudflare/errors.ts
var errors = __nccwpck_require__(7640);
;// CONCATENATED MODULE: ./src/access/environments.ts
// Finds the Version Management environment named by `environment` in each zone, once per zone, with
// `GET /zones/{zone_id}/environments`; every zone where it cannot be found is reported at once.





/**
 * The environment in `environments` that `wanted` names: its ref, else its name in any case. Two or more
 * names that differ only in case match alike, whichever spelling was written: `ambiguous` lists them
 * (their refs tell them apart). Neither when none matches.
 */
function findEnvironment(environments, wanted) {
    const lower = wanted.toLowerCase();
    const byRef = environments.find((e) => e.ref === wanted) ?? environments.find((e) => e.ref.toLowerCase() === lower);
    if (byRef)
        return { environment: byRef };
    const byName = environments.filter((e) => e.name.toLowerCase() === lower);
    if (byName.length > 1)
        return { ambiguous: byName };
    return byName[0] ? { environment: byName[0] } : {};
}
/** Cloudflare: "Purging the production environment purges all environments" (Version Management docs). */
function isProduction(environment) {
    return environment.name.trim().toLowerCase() === 'production';
}
/**
 * The log line for a purge of everything on Production, which Cloudflare documents as clearing every
 * environment of the zone; undefined for anything else.
 */
function productionEverythingNote(environment, zone, request) {
    if (!request.everything || request.mode !== 'purge' || !isProduction(environment))
        return undefined;
    return (`Purging everything on ${environment.name} clears the cache of every environment of ${zone}, not only ` +
        `${environment.name}: Cloudflare purges all environments when Production is purged.`);
}
/**
 * The environment of each zone, keyed by zone ID. Throws a DiagnosedFailure naming every zone without
 * Version Management, every zone whose environments may not be listed, and every zone where no
 * environment matches (with the names it has); an unexpected failure is diagnosed as usual.
 */
async function resolveEnvironments(api, zones, wanted) {
    const answers = await Promise.all(zones.map(async ({ zone, label }) => {
        try {
            return { zone, label, environments: await api.listEnvironments(zone.id) };
        }
        catch (error) {
            return { zone, label, error };
        }
    }));
    const found = new Map();
    const notEnabled = [];
    const notReadable = [];
    const unknown = [];
    for (const answer of answers) {
        const name = answer.zone.name ?? answer.label;
        if ('error' in answer) {
            const refusal = (0,target_errors/* classifyEnvironmentsError */.xS)(answer.error);
            const detail = answer.error instanceof errors/* CloudflareError */.Oi ? answer.error.describe() : '';
            if (refusal === 'not-enabled')
                notEnabled.push({ label: name, detail });
            else if (refusal === 'not-readable')
                notReadable.push({ label: name, detail });
            else
                throw new failure/* DiagnosedFailure */.B([(0,from_error/* diagnoseError */.x)(answer.error, { stage: 'zone', zone: name })]);
            continue;
        }
        if (answer.environments.length === 0) {
            notEnabled.push({ label: name, detail: 'it lists no environments' });
            continue;
        }
        const { environment, ambiguous } = findEnvironment(answer.environments, wanted);
        if (environment)
            found.set(answer.zone.id, environment);
        else if (ambiguous) {
            const matches = ambiguous.map((e) => `${e.name} (ref ${e.ref})`);
            unknown.push((0,catalogue/* diagnose */.h4)('environment-ambiguous', { zone: name, wanted, matches }));
        }
        else {
            const names = answer.environments.map((e) => e.name);
            unknown.push((0,catalogue/* diagnose */.h4)('environment-unknown', { zone: name, wanted, names }));
        }
    }
    const findings = [];
    if (notEnabled.length > 0) {
        findings.push((0,catalogue/* diagnose */.h4)('environments-not-enabled', {
            zones: notEnabled.map((z) => z.label),
            detail: distinct(notEnabled.map((z) => z.detail)).join('; ')
        }));
    }
    if (notReadable.length > 0) {
        findings.push((0,catalogue/* diagnose */.h4)('environments-not-readable', {
            zones: notReadable.map((z) => z.label),
            wanted,
            detail: distinct(notReadable.map((z) => z.detail)).join('; ')
        }));
    }
    findings.push(...unknown);
    if (findings.length > 0)
        throw new failure/* DiagnosedFailure */.B(findings);
    return found;
}
function distinct(values) {
    return [...new Set(values.filter(Boolean))];
}

;// CONCATENATED MODULE: ./src/purge/target.ts
// Where the planned requests go, and the words the log and summary use for them: a purge deletes cached
// copies, an invalidation marks them stale (Cloudflare's `invalidate_cache`), on the whole zone or in one
// Version Management environment. Batching, pacing and retries are the same for both.

/** The runner's purge call, sent where each zone's requests belong. */
function targetedApi(api, targetOf) {
    return { purge: (zoneId, body, options) => api.clearCache(zoneId, body, targetOf(zoneId), options) };
}
/** The target of each zone: the mode for all, and the environment resolved in that zone, if any. */
function targetsFor(mode, environments) {
    return (zoneId) => {
        const environment = environments.get(zoneId);
        return environment ? { mode, environment } : { mode };
    };
}
function wordsFor(mode = 'purge') {
    return mode === 'invalidate'
        ? {
            verb: 'invalidate',
            Verb: 'Invalidate',
            past: 'invalidated',
            Past: 'Invalidated',
            request: 'invalidation request',
            title: 'Cloudflare cache invalidation'
        }
        : {
            verb: 'purge',
            Verb: 'Purge',
            past: 'purged',
            Past: 'Purged',
            request: 'purge request',
            title: 'Cloudflare cache purge'
        };
}
/** `Staging (ref 5d41…)`: how an environment is named in the log and the summary. */
function describeEnvironment(environment) {
    return `${environment.name} (ref ${environment.ref})`;
}
/**
 * The plan with the environment named by `wanted` set on each zone that has requests to send (a zone
 * given alongside with nothing to send needs no environment of its own); logs what was found, and that
 * purging everything on Production clears every environment. Throws a DiagnosedFailure when a zone lacks it.
 */
async function findEnvironments(api, planned, request, log) {
    const busy = planned.filter((p) => p.batches.length > 0);
    const found = await resolveEnvironments(api, busy.map((p) => p.resolution), request.wanted);
    return planned.map((zone) => {
        const { resolution, batches } = zone;
        const environment = found.get(resolution.zone.id);
        if (!environment)
            return zone;
        log(`Environment on ${resolution.label}: ${describeEnvironment(environment)}`);
        const everything = batches.some((b) => b.type === 'everything');
        const note = productionEverythingNote(environment, resolution.label, { everything, mode: request.mode });
        if (note)
            log(note);
        return { ...zone, environment };
    });
}
/** Each zone's environment, by zone ID, for targetsFor. */
function environmentsOf(planned) {
    return new Map(planned.flatMap((p) => (p.environment ? [[p.resolution.zone.id, p.environment]] : [])));
}


/***/ }),

/***/ 5468:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Yz: () => (/* binding */ outputsOf),
/* harmony export */   bf: () => (/* binding */ verifiedCounts),
/* harmony export */   dT: () => (/* binding */ groupFailedItems)
/* harmony export */ });
/* unused harmony exports FAILED_ITEMS_MAX_BYTES, outputBytes, boundFailedItems, failedItemsOutputs, escapeHtml */
/* harmony import */ var _result_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5781);

function outputsOf(result, files = { save: () => '' }) {
    const failed = failedItemsOutputs(result.failed, files.save);
    if (failed.shown < failed.total)
        files.onCut?.(failed.shown, failed.total, failed.failed_items_file);
    return {
        zone_id: result.zones.map((z) => z.id).join(','),
        zones: JSON.stringify((0,_result_js__WEBPACK_IMPORTED_MODULE_0__/* .zoneCounts */ .XU)(result.zones)),
        purge_ids: result.purgeIds.join(','),
        purged_count: result.purgedCount,
        failed_count: result.failed.length,
        failed_items: failed.failed_items,
        failed_items_file: failed.failed_items_file,
        verified: JSON.stringify(result.verify ? verifiedCounts(result.verify) : {})
    };
}
function verifiedCounts(verify) {
    const { counts } = verify;
    return {
        checked: verify.checks.length,
        fresh: counts.fresh,
        stale: counts.stale,
        not_cached: counts['not-cached'],
        not_proxied: counts['not-proxied'],
        unchecked: counts.unchecked,
        ...(verify.warmed !== undefined ? { warmed: verify.warmed } : {})
    };
}
/**
 * GitHub keeps at most 1 MB of outputs per job, counting in UTF-16 (2 bytes a character for plain
 * text): https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs
 * failed_items takes a quarter of that at most, so that it fits beside the other outputs and steps.
 */
const FAILED_ITEMS_MAX_BYTES = 256 * 1024;
/** An output's size as GitHub counts it. */
function outputBytes(text) {
    return text.length * 2;
}
/** Groups the items by zone, type and reason, in the order they first appear. */
function groupFailedItems(items) {
    const groups = new Map();
    for (const { zone, type, item, reason } of items) {
        const key = JSON.stringify([zone, type, reason]);
        let group = groups.get(key);
        if (!group)
            groups.set(key, (group = { zone, type, reason, count: 0, items: [] }));
        group.count++;
        group.items.push(item);
    }
    return [...groups.values()];
}
/**
 * The groups as JSON within `maxBytes`: every group and item while they fit; then what fits, each group
 * keeping its `count` so that a reader knows how many items it had. Groups that do not fit at all are left
 * out (`failed_count` still counts their items).
 */
function boundFailedItems(groups, maxBytes = FAILED_ITEMS_MAX_BYTES) {
    const total = groups.reduce((n, g) => n + g.count, 0);
    const whole = JSON.stringify(groups);
    if (outputBytes(whole) <= maxBytes)
        return { json: whole, shown: total, total };
    const parts = [];
    let size = outputBytes('[]');
    let shown = 0;
    for (const group of groups) {
        // The group without its items, ending in `"items":`.
        const head = JSON.stringify({ ...group, items: [] }).slice(0, -3);
        const separator = parts.length > 0 ? 2 : 0; // the comma between groups
        const headBytes = outputBytes(`${head}[]}`) + separator;
        if (size + headBytes > maxBytes)
            break;
        const items = [];
        let itemsBytes = 0;
        for (const item of group.items) {
            const text = JSON.stringify(item);
            const more = outputBytes(text) + (items.length > 0 ? 2 : 0);
            if (size + headBytes + itemsBytes + more > maxBytes)
                break;
            items.push(text);
            itemsBytes += more;
        }
        parts.push(`${head}[${items.join(',')}]}`);
        size += headBytes + itemsBytes;
        shown += items.length;
        if (items.length < group.items.length)
            break;
    }
    return { json: `[${parts.join(',')}]`, shown, total };
}
/**
 * The failed_items and failed_items_file outputs. `save` writes the whole list (the same JSON form, never
 * cut) and returns its path.
 */
function failedItemsOutputs(items, save, maxBytes = FAILED_ITEMS_MAX_BYTES) {
    if (items.length === 0)
        return { failed_items: '[]', failed_items_file: '', shown: 0, total: 0 };
    const groups = groupFailedItems(items);
    const bounded = boundFailedItems(groups, maxBytes);
    const file = save(JSON.stringify(groups, null, 1));
    return { failed_items: bounded.json, failed_items_file: file, shown: bounded.shown, total: bounded.total };
}
const HTML_ESCAPES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;'
};
/** Text for the job summary, which is HTML: Cloudflare's words and names shown, never interpreted. */
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}


/***/ }),

/***/ 5781:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ps: () => (/* binding */ stoppedRun),
/* harmony export */   Sd: () => (/* binding */ totals),
/* harmony export */   XU: () => (/* binding */ zoneCounts),
/* harmony export */   dl: () => (/* binding */ emptyRun)
/* harmony export */ });
/* unused harmony exports requestedItems, summaryRows */
/* harmony import */ var _purge_planner_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1715);
// What one run did, as both edges (the action, the command line) report it: the engine returns a
// RunResult, and the outputs, the summary and the log are built from it. Pure.

/** Sums up what was purged and what was not; requests only planned (dry run) count as neither. */
function totals(zones) {
    const out = {
        purgedCount: 0,
        failed: [],
        purgeIds: []
    };
    for (const zone of zones) {
        for (const { batch, purgeId, reason, cause } of zone.requests) {
            if (purgeId) {
                out.purgedCount += (0,_purge_planner_js__WEBPACK_IMPORTED_MODULE_0__/* .itemCount */ .F)(batch);
                out.purgeIds.push(purgeId);
            }
            else if (reason !== undefined) {
                const items = batch.type === 'everything' ? ['everything'] : batch.items.map(_purge_planner_js__WEBPACK_IMPORTED_MODULE_0__/* .describeItem */ .f);
                for (const item of items)
                    out.failed.push({ zone: zone.id, type: batch.type, item, reason, ...(cause ? { cause } : {}) });
            }
        }
    }
    return out;
}
/** A result with nothing purged, planned or failed (yet). */
function emptyRun(status, startedAt) {
    return {
        status,
        zones: [],
        purgedCount: 0,
        failed: [],
        purgeIds: [],
        notes: [],
        timings: { startedAt, totalMs: Date.now() - startedAt },
        apiRequests: { total: 0, rateLimited: 0 }
    };
}
/**
 * The result of a run that stopped before any purge request: every valid item requested (an invalid one
 * is named by its error instead) is reported as not purged; none on a dry run.
 */
function stoppedRun(findings, startedAt, requested) {
    const first = findings.find((f) => f.severity === 'error') ?? findings[0];
    const reason = first ? `${first.title}: ${first.message}` : 'the run stopped before purging';
    const failed = requested && !requested.dryRun ? requestedItems(requested.zones, requested.purge, reason) : [];
    const mode = requested?.mode ? { mode: requested.mode } : {};
    return { ...emptyRun('stopped', startedAt), ...mode, failed, stoppedBy: findings };
}
/** Everything requested, as failed items with the zone as the user gave it. */
function requestedItems(zones, purge, reason) {
    const zone = zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(',');
    if (purge.everything)
        return [{ zone, type: 'everything', item: 'everything', reason }];
    return [
        ...purge.files.map((f) => ({ zone, type: 'files', item: (0,_purge_planner_js__WEBPACK_IMPORTED_MODULE_0__/* .describeItem */ .f)(f), reason })),
        ...purge.tags.map((item) => ({ zone, type: 'tags', item, reason })),
        ...purge.hosts.map((item) => ({ zone, type: 'hosts', item, reason })),
        ...purge.prefixes.map((item) => ({ zone, type: 'prefixes', item, reason }))
    ];
}
function summaryRows(zones) {
    const rows = new Map();
    for (const zone of zones) {
        for (const { batch, purgeId, reason } of zone.requests) {
            const key = `${zone.id} ${batch.type}`;
            const row = rows.get(key) ?? {
                zone: zone.name ?? zone.id,
                type: batch.type,
                items: 0,
                requests: 0,
                purged: 0,
                failed: 0,
                ids: []
            };
            const count = itemCount(batch);
            row.items += count;
            row.requests += 1;
            if (purgeId) {
                row.purged += count;
                row.ids.push(purgeId);
            }
            else if (reason !== undefined)
                row.failed += count;
            rows.set(key, row);
        }
    }
    return [...rows.values()];
}
function zoneCounts(zones) {
    return zones.map((zone) => {
        const sum = totals([zone]);
        return {
            id: zone.id,
            name: zone.name ?? '',
            items: zone.requests.reduce((n, r) => n + (0,_purge_planner_js__WEBPACK_IMPORTED_MODULE_0__/* .itemCount */ .F)(r.batch), 0),
            purged_count: sum.purgedCount,
            failed_count: sum.failed.length,
            purge_ids: sum.purgeIds
        };
    });
}


/***/ }),

/***/ 7128:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Ts: () => (/* binding */ dryRunLimits),
  Zk: () => (/* binding */ zonesWords)
});

// UNUSED EXPORTS: ITEMS_SHOWN, ITEM_CHARS, KINDS_SHOWN, OPEN_LIST_MAX, REASONS_SHOWN, TABLE_ROWS, TEXT_CHARS, mapText, plainBlocks, summaryOf

// EXTERNAL MODULE: ./src/purge/target.ts + 1 modules
var target = __nccwpck_require__(7757);
// EXTERNAL MODULE: ./src/purge/planner.ts
var planner = __nccwpck_require__(1715);
// EXTERNAL MODULE: ./src/words.ts
var words = __nccwpck_require__(5846);
;// CONCATENATED MODULE: ./src/report/annotations.ts

/** Annotations of one level a step may show. */
const ANNOTATIONS_PER_LEVEL = 10;
/** Findings quoted in the annotation that counts them all. */
const EXAMPLES_SHOWN = 3;
const RANK = { error: 0, warning: 1, notice: 2 };
/** The findings by kind, errors first, then warnings, then notices; each kind where it first came. */
function annotations_groupFindings(findings) {
    const groups = new Map();
    for (const f of findings) {
        const key = `${f.severity} ${f.id}`;
        const group = groups.get(key);
        if (group)
            group.all.push(f);
        else
            groups.set(key, { first: f, all: [f] });
    }
    return [...groups.values()].sort((a, b) => RANK[a.first.severity] - RANK[b.first.severity]);
}
/** One finding for a group: itself when alone, else a count and the first EXAMPLES_SHOWN, each on a line. */
function groupedFinding({ first, all }, whereAll) {
    if (all.length === 1)
        return first;
    const examples = all.slice(0, EXAMPLES_SHOWN).map((f) => `- ${f.message}`);
    const rest = all.length - EXAMPLES_SHOWN;
    return {
        ...first,
        message: [
            `${grouped(all.length)} times; ${all.length > EXAMPLES_SHOWN ? `the first ${EXAMPLES_SHOWN}` : 'each'}:`,
            ...examples,
            ...(rest > 0 ? [`… and ${grouped(rest)} more, ${whereAll}.`] : [])
        ].join('\n')
    };
}
/**
 * Keeps a run's annotations within GitHub's limit, a level at a time: the first ANNOTATIONS_PER_LEVEL - 1
 * are shown as they come; later ones are held, and `held()` at the end of the run gives the last one: the
 * finding itself when only one was held, or one that names them all.
 */
class AnnotationLimit {
    shown = { error: 0, warning: 0, notice: 0 };
    heldBack = { error: [], warning: [], notice: [] };
    /** Whether this finding may be annotated now; if not, it is held. */
    admit(finding) {
        if (this.shown[finding.severity] < ANNOTATIONS_PER_LEVEL - 1) {
            this.shown[finding.severity] += 1;
            return true;
        }
        this.heldBack[finding.severity].push(finding);
        return false;
    }
    /** The last annotation of each level that held some back, naming them (their detail is in the log). */
    held() {
        return Object.keys(this.heldBack).flatMap((level) => {
            const held = this.heldBack[level];
            const [only] = held;
            if (!only)
                return [];
            if (held.length === 1)
                return [only];
            const titles = [...new Set(held.map((f) => f.title).filter(Boolean))];
            const named = titles.slice(0, EXAMPLES_SHOWN).join('; ');
            const others = titles.length > EXAMPLES_SHOWN ? ` and ${count(titles.length - EXAMPLES_SHOWN, 'other')}` : '';
            return [
                {
                    id: 'more-annotations',
                    severity: level,
                    title: `${grouped(held.length)} more ${level}s`,
                    message: `GitHub shows ${ANNOTATIONS_PER_LEVEL} ${level} annotations per step; ${grouped(held.length)} more ` +
                        `are in the log${named ? `: ${named}${others}` : ''}.`
                }
            ];
        });
    }
}

// EXTERNAL MODULE: ./src/verify/findings.ts
var findings = __nccwpck_require__(3271);
// EXTERNAL MODULE: ./src/verify/verdict.ts
var verdict = __nccwpck_require__(3156);
// EXTERNAL MODULE: ./src/verify/words.ts
var verify_words = __nccwpck_require__(9500);
;// CONCATENATED MODULE: ./src/report/edge-summary.ts
// The job summary's section on the edge check (`verify`): the counts by verdict, then the stale and the
// unproxied URLs, each list short. Pure.



/** URLs listed per verdict; the rest are counted. */
const EDGE_URLS_SHOWN = 20;
function edge_summary_edgeSummary(verify) {
    const stale = verify.checks.filter((c) => c.verdict === 'stale');
    const failing = stale.length > 0
        ? ` The step fails: ${stale.length === 1 ? '1 URL was' : `${stale.length} URLs were`} still served from a copy older than the purge.`
        : '';
    const blocks = [
        { kind: 'heading', text: 'At the edge', level: 3 },
        { kind: 'text', text: `${checkedWords(verify)}${failing}` },
        {
            kind: 'table',
            header: ['Verdict', 'URLs'],
            rows: VERDICTS.filter((v) => verify.counts[v] > 0).map((v) => [
                VERDICT_NAMES[v],
                String(verify.counts[v])
            ])
        }
    ];
    if (stale.length > 0)
        blocks.push(...shortList('Still served from a copy older than the purge', stale, describeStale));
    const unproxied = verify.checks.filter((c) => c.verdict === 'not-proxied');
    if (unproxied.length > 0)
        blocks.push(...shortList('Not served through Cloudflare (no CF-Cache-Status)', unproxied, (c) => c.item.url));
    return [...blocks, ...warmedWords(verify).map((text) => ({ kind: 'text', text }))];
}
function shortList(label, checks, describe) {
    const more = checks.length - EDGE_URLS_SHOWN;
    return [
        { kind: 'text', text: `${label}:` },
        { kind: 'list', items: checks.slice(0, EDGE_URLS_SHOWN).map(describe), code: true },
        ...(more > 0 ? [{ kind: 'text', text: `… and ${more} more.` }] : [])
    ];
}

// EXTERNAL MODULE: ./src/report/outputs.ts
var outputs = __nccwpck_require__(5468);
// EXTERNAL MODULE: ./src/report/result.ts
var result = __nccwpck_require__(5781);
;// CONCATENATED MODULE: ./src/report/summary.ts
// The job summary's content, built from the run result as plain blocks: the action writes them as HTML
// (summary-html.ts), a command line prints them as text (plainBlocks). It opens with one status line: all purged,
// partly, or nothing, and why, with the fix; then the items, long lists folded away. Pure.
//
// Text in the blocks is plain, never HTML; a `span in backticks` is code (a name the user types), as in
// the annotations. Items (URLs, tags) are kept verbatim in lists marked `code`.







/**
 * Items listed in one list; the rest are counted. GitHub takes at most 1 MiB of summary from a step
 * (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#adding-a-job-summary).
 */
const ITEMS_SHOWN = 100;
/** A list this long or shorter is shown open; a longer one is folded. */
const OPEN_LIST_MAX = 5;
/** Reasons for items not purged shown one by one; the rest are counted. */
const REASONS_SHOWN = 20;
/**
 * Characters of items (URLs, tags) listed in one summary, all lists together: escaped as HTML they stay
 * well within the 1 MiB a step may write, however long the items.
 */
const ITEM_CHARS = (/* unused pure expression or super */ null && (128 * 1024));
/** Request IDs listed per zone and type. */
const IDS_SHOWN = 20;
/** Kinds of problems, and of warnings, listed one by one; the rest are counted. */
const KINDS_SHOWN = 20;
/** Rows of one table; the rest are counted. */
const TABLE_ROWS = 50;
/** Characters of one text (Cloudflare's words can be long); the rest is cut. */
const TEXT_CHARS = 4000;
/** The summary of the run, whatever way it ended, every list and text in it bounded. */
function summaryOf(result, options = {}) {
    const failedItemsIn = options.failedItemsIn ?? 'the `failed_items` output';
    const warnings = options.warnings ?? [];
    const blocks = (() => {
        switch (result.status) {
            case 'nothing-to-purge':
                return nothingSummary(result, options.notices ?? []);
            case 'stopped':
                return stoppedSummary(result, failedItemsIn, freshRoom());
            case 'planned':
                return planSummary(result, freshRoom());
            case 'purged':
                return purgeSummary(result, failedItemsIn, freshRoom());
        }
    })();
    const settled = blocks.map((b) => b.kind === 'status' ? { ...b, outcome: settle(b.outcome, options.stepFailed, warnings.length > 0) } : b);
    return clipTexts([...settled, ...warningBlocks(warnings)]);
}
/**
 * The mark agrees with the step's exit code when it is known: a failed step is a failure whatever was
 * purged; a step that passes with warnings, or with items left that no error was reported for, has them.
 */
function settle(outcome, stepFailed, warned) {
    if (stepFailed)
        return 'failure';
    if (outcome === 'plan')
        return outcome;
    if (stepFailed === false && outcome === 'failure')
        return 'warnings';
    return outcome === 'success' && warned ? 'warnings' : outcome;
}
const clip = (text) => (text.length > TEXT_CHARS ? `${text.slice(0, TEXT_CHARS)}…` : text);
/** Every text clipped to TEXT_CHARS, but the items of lists of names: their room is counted apart. */
function clipTexts(blocks) {
    return blocks.map((b) => {
        if (b.kind === 'details')
            return { ...b, label: clip(b.label), blocks: clipTexts(b.blocks) };
        if (b.kind === 'list' && b.code)
            return b;
        return mapText([b], clip)[0];
    });
}
/** The warnings of the run, each kind once, after everything else: the status line stays first. */
function warningBlocks(warnings) {
    const once = warnings.filter((w, i) => warnings.findIndex((o) => o.title === w.title && o.message === w.message) === i);
    const items = kindLines(once);
    return items.length > 0
        ? [
            { kind: 'heading', text: once.length === 1 ? 'Warning' : 'Warnings', level: 3 },
            ...boundedList(items, 'other warning')
        ]
        : [];
}
/** Each kind of finding in a line: its title and message, and how many there were when more than one. */
function kindLines(findings) {
    return groupFindings(findings).map(({ first, all }) => all.length === 1
        ? `${first.title}: ${first.message}`
        : `${first.title} (${grouped(all.length)} times), the first: ${first.message}`);
}
/** The first KINDS_SHOWN lines as a list, and how many more there are. */
function boundedList(items, other) {
    const rest = items.length - KINDS_SHOWN;
    return [
        { kind: 'list', items: items.slice(0, KINDS_SHOWN) },
        ...(rest > 0 ? [{ kind: 'text', text: `… and ${count(rest, other)}, in the log.` }] : [])
    ];
}
/** Nothing was asked to purge (an empty list, no changed file): what happened and what to do, if anything. */
function nothingSummary(result, notices) {
    const w = wordsFor(result.mode);
    const why = notices.find((n) => n.id === 'lists-empty' || n.id === 'nothing-changed');
    return [
        { kind: 'heading', text: w.title, level: 2 },
        {
            kind: 'status',
            outcome: 'success',
            headline: `Nothing to ${w.verb}.`,
            text: why?.message ??
                `The inputs named no item, so no ${w.request} was sent. Nothing needed when that is expected (a deploy ` +
                    'that changed nothing); otherwise check the inputs, or the step that wrote the list.'
        }
    ];
}
function purgeSummary(result, failedItemsIn, room) {
    const w = wordsFor(result.mode);
    const rows = summaryRows(result.zones);
    const blocks = [
        { kind: 'heading', text: w.title, level: 2 },
        purgeStatus(result, w, failedItemsIn),
        ...environmentLine(result),
        countsTable(['Zone', 'Type'], rows.map((r) => ({ key: [r.zone, r.type], items: r.items, purged: r.purged, failed: r.failed })), w)
    ];
    const perZone = zoneCounts(result.zones);
    if (perZone.length > 1) {
        blocks.push({ kind: 'heading', text: 'Per zone', level: 3 }, countsTable(['Zone', 'Zone ID'], perZone.map((z) => ({
            key: [z.name || z.id, z.id],
            items: z.items,
            purged: z.purged_count,
            failed: z.failed_count
        })), w));
    }
    if (result.failed.length > 0) {
        blocks.push({ kind: 'heading', text: `Not ${w.past} (${count(result.failed.length, 'item')})`, level: 3 }, ...failedBlocks(result, w, room, failedItemsIn));
    }
    const purged = itemLists(result.zones, (r) => r.purgeId !== undefined, `${w.past} on`, room);
    if (purged.length > 0)
        blocks.push({ kind: 'heading', text: w.Past, level: 3 }, ...purged);
    if (result.verify)
        blocks.push(...edgeSummary(result.verify));
    if (result.purgeIds.length > 0)
        blocks.push(requestIds(result));
    return blocks;
}
/** Items, purged and not purged per row; the last column only when something was not purged. */
function countsTable(keys, rows, w) {
    const failed = rows.some((r) => r.failed > 0);
    const numbers = failed ? 3 : 2;
    return boundedTable([...keys, 'Items', w.Past, ...(failed ? [`Not ${w.past}`] : [])], rows.map((r) => [...r.key, grouped(r.items), grouped(r.purged), ...(failed ? [grouped(r.failed)] : [])]), [...keys.map(() => false), ...Array(numbers).fill(true)]);
}
/** A table of at most TABLE_ROWS rows; a last row counts the rest. */
function boundedTable(header, rows, right) {
    const rest = rows.length - TABLE_ROWS;
    const last = [`… and ${count(rest, 'more row')}`, ...header.slice(1).map(() => '')];
    return {
        kind: 'table',
        header,
        rows: rest > 0 ? [...rows.slice(0, TABLE_ROWS), last] : rows,
        ...(right ? { right } : {})
    };
}
function purgeStatus(result, w, failedItemsIn) {
    const failed = result.failed.length;
    const total = result.purgedCount + failed;
    const where = zonesWords(result.zones);
    // The requests that went out, resends and retries included, when the run counted them.
    const requests = result.requestsSent ?? result.zones.reduce((n, z) => n + z.requests.length, 0);
    if (failed === 0) {
        const everything = result.zones.every((z) => z.requests.every((r) => r.batch.type === 'everything'));
        const headline = everything
            ? `Everything was ${w.past} ${where}.`
            : total === 1
                ? `1 item was ${w.past} ${where}.`
                : `All ${grouped(total)} items were ${w.past} ${where}.`;
        return {
            kind: 'status',
            outcome: 'success',
            headline,
            text: `${count(requests, w.request)} in ${seconds(result.timings.totalMs)}.`
        };
    }
    const sent = result.requestsSent !== undefined ? ` ${count(requests, w.request)} went out.` : '';
    const why = failedWhy(reasonGroups(result.failed, failedItemsIn), w, failedItemsIn) + sent;
    return result.purgedCount === 0
        ? { kind: 'status', outcome: 'failure', headline: `Nothing was ${w.past}.`, text: why }
        : {
            kind: 'status',
            outcome: 'failure',
            headline: `${grouped(result.purgedCount)} of ${count(total, 'item')} were ${w.past}; ${grouped(failed)} ${failed === 1 ? 'was' : 'were'} not.`,
            text: why
        };
}
/**
 * The items not purged, grouped by reason, the reason covering the most items first. Items refused each
 * in Cloudflare's own words about it count together under their kind; the words stay in failed_items.
 */
function reasonGroups(failed, failedItemsIn) {
    const groups = new Map();
    for (const item of failed) {
        const perItem = item.cause?.perItem === true;
        const key = perItem ? `per item: ${item.cause?.title ?? ''}` : item.reason;
        let group = groups.get(key);
        if (!group) {
            const text = perItem
                ? `${item.cause?.title ?? 'Refused'}: Cloudflare refused each of these items, in words about each that ` +
                    `${failedItemsIn} keeps; the first: ${item.reason} Correct or remove them; running again as they ` +
                    'are fails the same way.'
                : item.reason;
            groups.set(key, (group = { text, items: [], rerun: item.cause?.rerun ?? true }));
        }
        group.items.push(item);
    }
    // Sorting is stable: reasons with as many items keep the order in which they first failed.
    return [...groups.values()].sort((a, b) => b.items.length - a.items.length);
}
/** Why items were not purged, for the status line: the reason, or how many, and whether a rerun helps. */
function failedWhy(groups, w, failedItemsIn) {
    const failed = groups.reduce((n, g) => n + g.items.length, 0);
    const rerun = groups.filter((g) => g.rerun).reduce((n, g) => n + g.items.length, 0);
    const twice = `${gerund(w)} twice does no harm.`;
    const retry = rerun === 0
        ? ''
        : rerun === failed
            ? ` Running again retries them, and ${twice}`
            : ` Running again retries the ${count(rerun, 'item')} whose reason passes (time, rate limits, ` +
                `Cloudflare's own errors), and ${twice}`;
    const [only] = groups;
    if (groups.length === 1 && only)
        return `${only.text} The ${failed === 1 ? 'item is' : 'items are'} listed below and in ${failedItemsIn}.${retry}`;
    return `The ${grouped(groups.length)} reasons are below, the one with the most items first, each with its items (all are in ${failedItemsIn}).${retry}`;
}
/**
 * The items not purged, under their reason (given once, in the status line, when there is only one) with
 * its count, most items first, in the groups of the failed_items output (zone and type). The first
 * REASONS_SHOWN reasons list their items; the others are named with their counts.
 */
function failedBlocks(result, w, room, failedItemsIn) {
    const groups = reasonGroups(result.failed, failedItemsIn);
    const zoneName = new Map(result.zones.map((z) => [z.id, z.name ?? z.label]));
    const blocks = [];
    for (const group of groups.slice(0, REASONS_SHOWN)) {
        if (groups.length > 1)
            blocks.push({ kind: 'text', text: `${count(group.items.length, 'item')}: ${group.text}` });
        for (const { zone, type, count: n, items } of groupFailedItems(group.items))
            blocks.push(...itemList(`${countOf(type, n)} on ${zoneName.get(zone) ?? zone}`, items, room));
    }
    const rest = groups.slice(REASONS_SHOWN);
    if (rest.length > 0) {
        const items = rest.reduce((n, g) => n + g.items.length, 0);
        blocks.push({
            kind: 'text',
            text: `… and ${count(rest.length, 'other reason')} for ${count(items, 'item')} not ${w.past}, each with its items in ${failedItemsIn}:`
        }, {
            kind: 'list',
            items: rest.slice(0, ITEMS_SHOWN).map((g) => `${count(g.items.length, 'item')}: ${g.text}`)
        }, ...(rest.length > ITEMS_SHOWN
            ? [{ kind: 'text', text: `… and ${rest.length - ITEMS_SHOWN} more.` }]
            : []));
    }
    return blocks;
}
/** The items of the requests that `pick` selects, one list per zone and type; purge everything has none. */
function itemLists(zones, pick, on, room) {
    const blocks = [];
    for (const zone of zones) {
        // Per type: how many items, and the first ITEMS_SHOWN of them, the most a list shows. A run of
        // 100,000 URLs would otherwise build (and copy, request after request) a list of all of them.
        const types = new Map();
        for (const request of zone.requests) {
            if (!pick(request) || request.batch.type === 'everything')
                continue;
            const list = types.get(request.batch.type) ?? { total: 0, first: [] };
            types.set(request.batch.type, list);
            list.total += request.batch.items.length;
            for (const item of request.batch.items) {
                if (list.first.length >= ITEMS_SHOWN)
                    break;
                list.first.push(describeItem(item));
            }
        }
        for (const [type, { total, first }] of types)
            blocks.push(...itemList(`${countOf(type, total)} ${on} ${zone.name ?? zone.label}`, first, room, true, total));
    }
    return blocks;
}
/** A list of items under its label: open when short, folded when long (or when `fold`), capped either way. */
function itemList(label, items, room, fold = false, total = items.length) {
    const shown = cappedList(items, room, total);
    return fold || total > OPEN_LIST_MAX
        ? [{ kind: 'details', label, blocks: shown }]
        : [{ kind: 'text', text: `${label}:` }, ...shown];
}
const freshRoom = () => ({ chars: ITEM_CHARS });
/**
 * The first ITEMS_SHOWN items that fit in the room left, each shown verbatim, and how many more there are
 * of `total` (the list may hold only the first ones).
 */
function cappedList(items, room, total = items.length) {
    const shown = [];
    for (const item of items.slice(0, ITEMS_SHOWN)) {
        if (item.length > room.chars)
            break;
        room.chars -= item.length;
        shown.push(item);
    }
    const more = total - shown.length;
    if (shown.length === 0)
        return [{ kind: 'text', text: `${count(more, 'item')}, not listed: the summary is full.` }];
    return [
        { kind: 'list', items: shown, code: true },
        ...(more > 0 ? [{ kind: 'text', text: `… and ${grouped(more)} more.` }] : [])
    ];
}
/** Cloudflare's request IDs, folded: they mean something to Cloudflare's support, not to a reader. */
function requestIds(result) {
    const rows = summaryRows(result.zones)
        .filter((r) => r.ids.length > 0)
        .map((r) => [
        r.zone,
        r.type,
        r.ids.slice(0, IDS_SHOWN).join(', ') +
            (r.ids.length > IDS_SHOWN ? ` and ${grouped(r.ids.length - IDS_SHOWN)} more` : '')
    ]);
    return {
        kind: 'details',
        label: `Cloudflare's request IDs (${grouped(result.purgeIds.length)})`,
        blocks: [
            { kind: 'text', text: "For Cloudflare's support, should they ask." },
            boundedTable(['Zone', 'Type', 'Request IDs'], rows)
        ]
    };
}
function planSummary(result, room) {
    const w = wordsFor(result.mode);
    const rows = summaryRows(result.zones);
    const items = rows.reduce((n, r) => n + r.items, 0);
    const requests = rows.reduce((n, r) => n + r.requests, 0);
    const lists = itemLists(result.zones, () => true, 'on', room);
    return [
        { kind: 'heading', text: `${w.title} (dry run)`, level: 2 },
        {
            kind: 'status',
            outcome: 'plan',
            headline: `Dry run: ${count(items, 'item')} would be ${w.past} ${zonesWords(result.zones)}.`,
            text: `Nothing was ${w.past}: the ${count(requests, w.request)} planned ${requests === 1 ? 'was' : 'were'} not sent.`
        },
        ...environmentLine(result),
        boundedTable(['Zone', 'Type', 'Items', 'Requests'], rows.map((r) => [r.zone, r.type, grouped(r.items), grouped(r.requests)]), [false, false, true, true]),
        ...(lists.length > 0
            ? [{ kind: 'heading', text: `Would be ${w.past}`, level: 3 }, ...lists]
            : []),
        { kind: 'heading', text: 'What a dry run cannot check', level: 3 },
        ...dryRunLimits(result).map((text) => ({ kind: 'text', text }))
    ];
}
/**
 * What a dry run checked and what it could not, for the summary and the log. No Cloudflare API tells a
 * token with only Cache Purge what it may do (token verify answers only its status; reading the token's
 * policies needs a permission to read tokens), so whether a purge is allowed shows only in a real one.
 */
function dryRunLimits(result) {
    const w = (0,target/* wordsFor */.tu)(result.mode);
    const lines = [
        `A dry run checks the inputs, that the credential is active and that each zone is there; it sends no ${w.request}.`
    ];
    if (result.credential?.owner === 'global-key')
        lines.push(`It cannot check that Cloudflare lets this key's user ${w.verb} these zones: only a real ${w.request} shows it.`);
    else
        lines.push(`It cannot check that the token may ${w.verb}: no Cloudflare API tells a purge-only token whether it may ${w.verb}; ` +
            `only a real ${w.request} does. If the real run fails with "Token may not purge this zone", edit the token: ` +
            'add Zone → Cache Purge → Purge, with the zone in its Zone Resources.');
    const unread = result.zones.filter((z) => z.name === undefined).map((z) => z.id);
    if (unread.length > 0)
        lines.push(`Nor can it tell whether ${unread.length === 1 ? `zone ${unread[0]} exists` : `zones ${unread.join(', ')} exist`}: ` +
            'the credential cannot read it (a token without Zone → Zone → Read), and Cloudflare answers the same for a zone ' +
            'that does not exist.');
    return lines;
}
function stoppedSummary(result, failedItemsIn, room) {
    const w = wordsFor(result.mode);
    const stoppedBy = result.stoppedBy ?? [];
    const errors = stoppedBy.filter((f) => f.severity === 'error');
    const shown = errors.length > 0 ? errors : stoppedBy.slice(0, 1);
    const blocks = [{ kind: 'heading', text: w.title, level: 2 }];
    const sent = `No ${w.request} was sent.`;
    // Problems of one kind (5,000 URLs without a scheme) are one line that counts them, as in the annotations.
    const kinds = groupFindings(shown);
    const [kind] = kinds;
    if (kinds.length === 1 && kind)
        blocks.push({
            kind: 'status',
            outcome: 'failure',
            headline: kind.all.length === 1
                ? `Nothing was ${w.past}: ${kind.first.title}.`
                : `Nothing was ${w.past}: ${kind.first.title} (${grouped(kind.all.length)} times).`,
            text: kind.all.length === 1
                ? `${kind.first.message} ${sent}`
                : `The first: ${kind.first.message} ${sent} Each one is in the log.`
        });
    else
        blocks.push({
            kind: 'status',
            outcome: 'failure',
            headline: shown.length > 1
                ? `Nothing was ${w.past}: ${count(shown.length, 'problem')} to fix.`
                : `Nothing was ${w.past}.`,
            text: shown.length > 1 ? `${sent} Each kind of problem, with what to do:` : `The run stopped. ${sent}`
        }, ...(shown.length > 1 ? boundedList(kindLines(shown), 'other kind of problem') : []));
    const failed = result.failed.length;
    if (failed > 0) {
        const items = result.failed.map((f) => f.item);
        blocks.push({
            kind: 'text',
            text: `${failed === 1 ? 'The requested item is' : `The ${grouped(failed)} requested items are`} in ${failedItemsIn}.`
        });
        blocks.push(...(failed > OPEN_LIST_MAX
            ? [
                {
                    kind: 'details',
                    label: `${count(failed, 'item')} not ${w.past}`,
                    blocks: cappedList(items, room)
                }
            ]
            : cappedList(items, room)));
    }
    return blocks;
}
/** "on example.com", "on example.com and pro.example.net", "on 3 zones". */
function zonesWords(zones) {
    const names = zones.map((z) => z.name ?? z.label);
    if (names.length === 0)
        return '';
    if (names.length === 1)
        return `on ${names[0]}`;
    if (names.length === 2)
        return `on ${names[0]} and ${names[1]}`;
    return `on ${(0,words/* grouped */.zD)(names.length)} zones`;
}
/** "purging", "invalidating". */
function gerund(w) {
    return `${w.verb.replace(/e$/, '')}ing`;
}
/** Names the Version Management environment each zone's requests went to; nothing when none was named. */
function environmentLine(result) {
    const parts = result.zones.flatMap((z) => z.environment ? [`${describeEnvironment(z.environment)} on ${z.name ?? z.label}`] : []);
    return parts.length > 0 ? [{ kind: 'text', text: `Environment: ${parts.join(', ')}.` }] : [];
}
/** The blocks with `map` applied to every piece of text (the redactor, before the text becomes HTML). */
function mapText(blocks, map) {
    return blocks.map((b) => {
        switch (b.kind) {
            case 'heading':
            case 'text':
                return { ...b, text: map(b.text) };
            case 'status':
                return { ...b, headline: map(b.headline), ...(b.text !== undefined ? { text: map(b.text) } : {}) };
            case 'table':
                return { ...b, header: b.header.map(map), rows: b.rows.map((r) => r.map(map)) };
            case 'list':
                return { ...b, items: b.items.map(map) };
            case 'details':
                return { ...b, label: map(b.label), blocks: mapText(b.blocks, map) };
        }
    });
}
/**
 * The blocks for a printer without HTML (a terminal): the status line as a paragraph that starts with its
 * headline, and each folded part as its label followed by its content, nothing folded.
 */
function plainBlocks(blocks) {
    return blocks.flatMap((b) => {
        switch (b.kind) {
            case 'status':
                return [{ kind: 'text', text: b.text ? `${b.headline} ${b.text}` : b.headline }];
            case 'details':
                return [{ kind: 'text', text: `${b.label}:` }, ...plainBlocks(b.blocks)];
            default:
                return [b];
        }
    });
}


/***/ }),

/***/ 974:
/***/ (() => {


// UNUSED EXPORTS: keepYoungGenerationSmall

;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
;// CONCATENATED MODULE: ./src/v8-flags.ts
// Imported first by index.ts, before undici loads its WebAssembly HTTP parser. After a few answers
// V8 starts optimising that parser on background threads, and the process waits for them at exit:
// 50 to 300 ms on a busy runner, for code that a run of a few hundred requests never needs faster.
// An unreachable tiering budget keeps the parser on V8's baseline compiler (Node 20 and 24 alike).

(0,external_node_v8_namespaceObject.setFlagsFromString)('--wasm-tiering-budget=2000000000');
/**
 * Called once the code is loaded, before the run: a long list is almost all short-lived garbage (lines,
 * parsed URLs, request bodies). Left to grow, Node 24's young generation takes tens of megabytes per
 * semi-space, and a 100,000-URL purge peaked at about 180 MB of memory; kept at its size of that moment,
 * the same purge peaks at about 120 MB. (Set any earlier, it slows loading the code by some 15 ms.)
 */
function keepYoungGenerationSmall() {
    setFlagsFromString('--semi-space-growth-factor=1');
}


/***/ }),

/***/ 3271:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ edgeFindings),
/* harmony export */   v: () => (/* binding */ describeStale)
/* harmony export */ });
/* harmony import */ var _diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5752);
// The annotations of the edge check: one per kind of trouble, naming the first few URLs. Pure.

/** URLs named in one annotation; the job summary lists more. */
const NAMED = 5;
/** Each verdict worth an annotation: its catalogue entry, and how it names one URL. */
const TROUBLE = [
    ['stale', 'edge-stale', (c) => describeStale(c)],
    ['not-proxied', 'edge-not-proxied', (c) => c.item.url],
    ['not-cached', 'edge-not-cached', (c) => `${c.item.url} (${c.cacheStatus ?? ''})`],
    ['unchecked', 'edge-unchecked', (c) => `${c.item.url} (${c.reason ?? ''})`]
];
function edgeFindings(result) {
    return TROUBLE.flatMap(([verdict, id, describe]) => {
        const checks = result.checks.filter((c) => c.verdict === verdict);
        if (checks.length === 0)
            return [];
        return [(0,_diagnosis_catalogue_js__WEBPACK_IMPORTED_MODULE_0__/* .diagnose */ .h4)(id, { count: checks.length, examples: checks.slice(0, NAMED).map(describe) })];
    });
}
/** "https://example.com/a (HIT, Age 3600 s)", with the cache-key headers when it has some. */
function describeStale(check) {
    const headers = Object.entries(check.item.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
    const variant = headers.length > 0 ? ` with ${headers.join(', ')}` : '';
    return `${check.item.url}${variant} (${check.cacheStatus ?? 'HIT'}, Age ${check.age ?? '?'} s)`;
}


/***/ }),

/***/ 3156:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D0: () => (/* binding */ wantsWarming),
/* harmony export */   Pl: () => (/* binding */ readCacheHeaders),
/* harmony export */   Vj: () => (/* binding */ verdictOf),
/* harmony export */   XM: () => (/* binding */ sample),
/* harmony export */   bk: () => (/* binding */ VERDICTS),
/* harmony export */   qX: () => (/* binding */ countVerdicts)
/* harmony export */ });
const VERDICTS = ['fresh', 'stale', 'not-cached', 'not-proxied', 'unchecked'];
/** Answers that mean a copy was fetched from the origin (or confirmed by it) just now. */
const FROM_ORIGIN = new Set(['MISS', 'EXPIRED', 'REVALIDATED', 'UPDATING']);
/** Answers from a cached copy: how old it is tells whether it predates the purge. */
const FROM_CACHE = new Set(['HIT', 'STALE']);
/** Slack between the runner's clock and the edge's count of Age. */
const SLACK_SECONDS = 1;
/**
 * The verdict on one answer. `sinceSeconds`: time from when Cloudflare accepted the purge to the answer;
 * a cached copy no older than that (plus a second) was cached again after the purge.
 */
function verdictOf(answer, sinceSeconds) {
    if ('error' in answer)
        return { verdict: 'unchecked', reason: answer.error };
    const { status, cacheStatus, age } = answer;
    const read = { status, ...(cacheStatus ? { cacheStatus } : {}), ...(age !== undefined ? { age } : {}) };
    if (!cacheStatus)
        return { ...read, verdict: 'not-proxied' };
    if (FROM_ORIGIN.has(cacheStatus))
        return { ...read, verdict: 'fresh' };
    if (FROM_CACHE.has(cacheStatus)) {
        if (age === undefined)
            return { ...read, verdict: 'unchecked', reason: `${cacheStatus} without an Age header` };
        return { ...read, verdict: age <= sinceSeconds + SLACK_SECONDS ? 'fresh' : 'stale' };
    }
    // DYNAMIC, BYPASS, NONE, UNKNOWN: nothing was taken from the cache, and nothing is kept there.
    return { ...read, verdict: 'not-cached' };
}
/** A fresh answer that did not come from the cache: `warm` requests it once more to cache it there. */
function wantsWarming(check) {
    return check.verdict === 'fresh' && check.cacheStatus !== 'HIT';
}
/** CF-Cache-Status and Age as read from an answer's headers (names in lower case). */
function readCacheHeaders(headers) {
    const first = (name) => {
        const value = headers[name];
        return (Array.isArray(value) ? value[0] : value)?.trim();
    };
    // Network text: a value outside Cloudflare's vocabulary of single words is not repeated as it came.
    const raw = first('cf-cache-status')?.toUpperCase();
    const cacheStatus = raw === undefined || /^[A-Z]{1,16}$/.test(raw) ? raw : 'UNKNOWN';
    const ageText = first('age');
    const age = ageText !== undefined && /^\d+$/.test(ageText) ? Number(ageText) : undefined;
    return { ...(cacheStatus ? { cacheStatus } : {}), ...(age !== undefined ? { age } : {}) };
}
/**
 * At most `limit` of the items, chosen at random (`random` as Math.random) when there are more, in
 * their original order: a partial Fisher–Yates shuffle of the indexes.
 */
function sample(items, limit, random = Math.random) {
    if (items.length <= limit)
        return items;
    const indexes = items.map((_, i) => i);
    for (let i = 0; i < limit; i++) {
        const j = i + Math.floor(random() * (indexes.length - i));
        [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
    }
    return indexes
        .slice(0, limit)
        .sort((a, b) => a - b)
        .map((i) => items[i]);
}
/** How many checks had each verdict, every verdict present. */
function countVerdicts(checks) {
    const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
    for (const check of checks)
        counts[check.verdict]++;
    return counts;
}


/***/ }),

/***/ 9500:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   xb: () => (/* binding */ describeEdgeCheck)
/* harmony export */ });
/* unused harmony exports VERDICT_NAMES, checkedWords, verdictWords, warmedWords */
/* harmony import */ var _words_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5846);
/* harmony import */ var _findings_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3271);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3156);
// The edge check in words, for the log and the summary: what was checked, and the counts by verdict. Pure.



/** Stale URLs named one per line in the log. */
const STALE_LOGGED = 20;
/** Each verdict as the log, the summary and the `verified` output name it. */
const VERDICT_NAMES = {
    fresh: 'fresh',
    stale: 'stale',
    'not-cached': 'not cached',
    'not-proxied': 'not proxied',
    unchecked: 'unchecked'
};
/** "Checked 100 of the 2000 URLs at the edge, a random sample (`verify_limit`: 100)." */
function checkedWords(result) {
    const checked = result.checks.length;
    return checked < result.candidates
        ? `Checked ${checked} of the ${result.candidates} URLs at the edge, a random sample (\`verify_limit\`: ${result.limit}).`
        : `Checked ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(checked, 'URL')} at the edge.`;
}
/** "98 fresh, 2 stale": the verdicts that occurred, in a fixed order. */
function verdictWords(result) {
    return _verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .VERDICTS */ .bk.filter((v) => result.counts[v] > 0)
        .map((v) => `${result.counts[v]} ${VERDICT_NAMES[v]}`)
        .join(', ');
}
/** "Warmed 12 URLs: …", or nothing without `warm`. */
function warmedWords(result) {
    if (result.warmed === undefined)
        return [];
    return [
        `Warmed ${(0,_words_js__WEBPACK_IMPORTED_MODULE_0__/* .count */ .U9)(result.warmed, 'URL')}: requested again so that the data centre this runner reaches ` +
            '(and its upper tier, with Tiered Cache) holds a copy; other data centres fill on their first visitor.'
    ];
}
/** The log lines of the edge check. */
function describeEdgeCheck(result) {
    const stale = result.checks.filter((c) => c.verdict === 'stale');
    const lines = [
        `${checkedWords(result)} ${verdictWords(result)}.`,
        ...stale.slice(0, STALE_LOGGED).map((c) => `Stale: ${(0,_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .describeStale */ .v)(c)}`)
    ];
    if (stale.length > STALE_LOGGED)
        lines.push(`… and ${stale.length - STALE_LOGGED} more stale (see the summary).`);
    return [...lines, ...warmedWords(result)];
}


/***/ }),

/***/ 5846:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   U9: () => (/* binding */ count),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   pq: () => (/* binding */ countOf),
/* harmony export */   vB: () => (/* binding */ roughly),
/* harmony export */   zD: () => (/* binding */ grouped)
/* harmony export */ });
// Counts in words that read right for one and for many.
/** "1 item", "2 items"; `many` for nouns whose plural is not the noun plus "s" ("prefixes"). */
function count(n, one, many = `${one}s`) {
    return `${grouped(n)} ${n === 1 ? one : many}`;
}
/** Milliseconds as seconds with one decimal, the way the log and the summary show durations. */
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}
const NOUNS = {
    files: ['URL', 'URLs'],
    tags: ['tag', 'tags'],
    hosts: ['host', 'hosts'],
    prefixes: ['prefix', 'prefixes']
};
/** "1 URL", "30 URLs", "2 prefixes"; purge everything is "everything", whatever the count. */
function countOf(type, n) {
    if (type === 'everything')
        return 'everything';
    const [one, many] = NOUNS[type];
    return count(n, one, many);
}
/** A duration to come, rounded the way a person says it: "8 s", "4 min". */
function roughly(ms) {
    const s = Math.max(1, Math.ceil(ms / 1000));
    return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
/** A whole number with its thousands grouped, the way the log and the summary show counts: "10,000". */
function grouped(n) {
    return GROUPED.format(n);
}


/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(486);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
