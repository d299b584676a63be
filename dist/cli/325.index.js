export const id = 325;
export const ids = [325];
export const modules = {

/***/ 3325:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  purgeCache: () => (/* binding */ purgeCache)
});

// UNUSED EXPORTS: stopRun

// EXTERNAL MODULE: ./src/cloudflare/hostnames.ts
var cloudflare_hostnames = __webpack_require__(3977);
// EXTERNAL MODULE: ./src/diagnosis/failure.ts
var failure = __webpack_require__(6523);
// EXTERNAL MODULE: ./src/cloudflare/errors.ts
var cloudflare_errors = __webpack_require__(7640);
// EXTERNAL MODULE: ./src/inputs/credential-checks.ts
var credential_checks = __webpack_require__(7748);
// EXTERNAL MODULE: ./src/diagnosis/catalogue.ts
var catalogue = __webpack_require__(5752);
// EXTERNAL MODULE: ./src/diagnosis/from-error.ts
var from_error = __webpack_require__(8750);
;// CONCATENATED MODULE: ./src/access/credential-verifier.ts





const DAY_MS = 24 * 60 * 60 * 1000;
async function verifyCredential(api, credential, options) {
    if (credential.kind === 'global-key') {
        try {
            await api.getUser();
        }
        catch (error) {
            throw new failure/* DiagnosedFailure */.B([verifyFailure(error, options)]);
        }
        return { owner: 'global-key', notes: [(0,catalogue/* diagnose */.h4)('global-key-in-use')] };
    }
    let status;
    let owner = 'user';
    try {
        status = await api.verifyUserToken();
    }
    catch (error) {
        if (!isUnknownToken(error))
            throw new failure/* DiagnosedFailure */.B([verifyFailure(error, options)]);
        // Account-owned tokens are unknown at the user endpoint; they verify under their account. The
        // token's shape, when it has one, says which kind it is.
        const shape = (0,credential_checks/* classifySecret */.rg)(credential.token);
        if (shape === 'user-token')
            throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('token-invalid', {})]);
        const accountId = options.accountId ?? (await options.zoneAccountId().catch(() => undefined));
        if (!accountId) {
            throw new failure/* DiagnosedFailure */.B([
                shape === 'account-token'
                    ? (0,catalogue/* diagnose */.h4)('account-token-no-account')
                    : (0,catalogue/* diagnose */.h4)('token-invalid', { maybeAccountOwned: true })
            ]);
        }
        try {
            status = await api.verifyAccountToken(accountId);
            owner = 'account';
        }
        catch (accountError) {
            const finding = isUnknownToken(accountError)
                ? (0,catalogue/* diagnose */.h4)('token-invalid', { accountId })
                : (0,from_error/* diagnoseError */.x)(accountError, { stage: 'verify' });
            throw new failure/* DiagnosedFailure */.B([finding]);
        }
    }
    const notes = checkTokenStatus(status, options.now ?? new Date());
    const out = { owner, notes };
    if (status.id)
        out.tokenId = status.id;
    return out;
}
/**
 * Why verification failed. 7000 "No route for that URI" there means the base itself is wrong: every API
 * base has `/user/tokens/verify` and `/user` (a missing `/client/v4`, most often).
 */
function verifyFailure(error, options) {
    if (options.apiUrl && error instanceof cloudflare_errors/* CloudflareError */.Oi && error.kind === 'api' && error.hasCode(7000)) {
        return (0,catalogue/* diagnose */.h4)('api-url-wrong', { apiUrl: options.apiUrl });
    }
    return (0,from_error/* diagnoseError */.x)(error, { stage: 'verify' });
}
function isUnknownToken(error) {
    return (error instanceof cloudflare_errors/* CloudflareError */.Oi && error.kind === 'api' && (error.hasCode(1000) || error.status === 401));
}
/** How long before its expiry date a token gets a warning: a deploy that breaks next week deserves one. */
const EXPIRY_WARNING_DAYS = 14;
/**
 * Throws for a token that Cloudflare says cannot work; returns warnings for one that soon may not.
 * Cloudflare's `status` is the verdict: its own API schema answers `active` with an `expires_on` of
 * 2020-01-01, and a runner's clock can be wrong too, so a date in the past only warns.
 */
function checkTokenStatus(status, now) {
    const day = (iso) => iso.slice(0, 10);
    const minute = (iso) => {
        const t = Date.parse(iso);
        return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    };
    if (status.status === 'expired') {
        throw new failure/* DiagnosedFailure */.B([
            (0,catalogue/* diagnose */.h4)('token-inactive', {
                status: 'expired',
                ...(status.expiresOn ? { date: day(status.expiresOn) } : {})
            })
        ]);
    }
    if (status.status !== 'active')
        throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('token-inactive', { status: status.status })]);
    if (status.notBefore && Date.parse(status.notBefore) > now.getTime()) {
        throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('token-not-yet-valid', { date: minute(status.notBefore) })]);
    }
    const expires = status.expiresOn ? Date.parse(status.expiresOn) : NaN;
    if (!status.expiresOn || Number.isNaN(expires))
        return [];
    const left = expires - now.getTime();
    if (left <= 0)
        return [(0,catalogue/* diagnose */.h4)('token-expiry-passed', { date: day(status.expiresOn) })];
    if (left < EXPIRY_WARNING_DAYS * DAY_MS) {
        return [
            (0,catalogue/* diagnose */.h4)('token-expiring', {
                date: day(status.expiresOn),
                days: Math.max(1, Math.ceil(left / DAY_MS))
            })
        ];
    }
    return [];
}

// EXTERNAL MODULE: ./src/patterns.ts
var patterns = __webpack_require__(6248);
;// CONCATENATED MODULE: ./src/access/zone-assignment.ts
// Decides which zone each item is purged in. Pure.



/**
 * The host of a file URL, a prefix (`host/path`) or a host, in ASCII (punycode) lower case, as the
 * WHATWG URL parser reads it: the host a browser would connect to, so `https://evil.com\@example.com/x`
 * is on evil.com. Empty when the item is not a URL at all.
 */
function hostOf(item) {
    const url = patterns/* URL_SCHEME */.cr.test(item) ? item : `https://${item}`;
    try {
        return (0,cloudflare_hostnames/* withoutRootDot */.a9)(new URL(url).hostname);
    }
    catch {
        return '';
    }
}
/** The distinct hostnames of the files, hosts and prefixes, in the order given. */
function itemHosts(purge) {
    const hosts = [
        ...purge.files.map((f) => hostOf(f.url)),
        ...purge.hosts.map(hostOf),
        ...purge.prefixes.map(hostOf)
    ];
    return [...new Set(hosts)];
}
/**
 * One zone: everything goes to it, except URLs on other domains, which Cloudflare refuses (held back,
 * with a warning); hosts and prefixes on other domains go with a warning. Several zones: each URL, host
 * and prefix goes to the most specific zone whose name contains its host; tags and purge_everything go
 * to every zone given. `ownZones` (zones of their own below a zone given, found from the items' hosts)
 * take the items on them and nothing else. When a zone's name is unknown (given by ID, not readable),
 * no item with a host is placed among several zones: it might belong to that zone rather than to a
 * named parent.
 */
function assignToZones(purge, zones, ownZones = []) {
    const out = { work: [], warnings: [], errors: [], notSent: [], refused: [] };
    const only = zones.length === 1 ? zones[0] : undefined;
    if (only && !only.name) {
        out.work.push({ zone: only, purge });
        return out;
    }
    const listsOnly = (zone, shared) => ({
        zone,
        purge: {
            everything: shared && purge.everything,
            files: [],
            tags: shared ? [...purge.tags] : [],
            hosts: [],
            prefixes: []
        }
    });
    out.work.push(...zones.map((z) => listsOnly(z, true)), ...ownZones.map((z) => listsOnly(z, false)));
    const unnamed = zones.filter((z) => !z.name);
    if (unnamed.length > 0 && itemHosts(purge).length > 0) {
        out.errors.push((0,catalogue/* diagnose */.h4)('zone-name-unknown', { zones: unnamed.map((z) => z.id).join(', ') }));
        return out;
    }
    placeItems(purge, out, only);
    out.errors = dedupeFindings(out.errors);
    out.work = out.work.filter((w, i) => i < zones.length || !isEmptyWork(w.purge));
    return out;
}
/** Puts each URL, host and prefix into the most specific zone that holds its host. */
function placeItems(purge, out, only) {
    const owner = (host) => out.work
        .filter((w) => w.zone.name && (0,cloudflare_hostnames/* isHostInZone */.Ee)(host, w.zone.name))
        .sort((a, b) => (b.zone.name?.length ?? 0) - (a.zone.name?.length ?? 0))[0];
    const foreign = { files: [], hosts: [], prefixes: [] };
    const heldBack = [];
    const place = (kind, item, text) => {
        const w = owner(hostOf(text));
        if (w)
            w.purge[kind].push(item);
        else if (!only) {
            const names = out.work.map((z) => z.zone.name ?? z.zone.id).join(', ');
            out.errors.push((0,catalogue/* diagnose */.h4)('host-in-no-zone', { host: hostOf(text), zones: names }));
        }
        else {
            foreign[kind].push(text);
            // Cloudflare refuses URLs of other domains (1082); hosts and prefixes are sent as asked.
            if (kind === 'files')
                heldBack.push(item);
            else
                out.work[0].purge[kind].push(item);
        }
    };
    for (const file of purge.files)
        place('files', file, file.url);
    for (const host of purge.hosts)
        place('hosts', host, host);
    for (const prefix of purge.prefixes)
        place('prefixes', prefix, prefix);
    if (!only)
        return;
    for (const finding of itemsOutsideZone(foreign, only.name))
        (finding.severity === 'error' ? out.refused : out.warnings).push(finding);
    if (heldBack.length > 0) {
        const reason = `not sent: not on ${only.name}, and Cloudflare refuses URLs of other domains (1082)`;
        out.notSent.push({ zone: only, files: heldBack, reason });
    }
}
function isEmptyWork(purge) {
    return purge.files.length + purge.hosts.length + purge.prefixes.length === 0;
}
function dedupeFindings(findings) {
    const seen = new Set();
    return findings.filter((f) => !seen.has(f.message) && seen.add(f.message) !== undefined);
}
/**
 * One finding per kind of item and foreign host, so a long list of URLs on the wrong domain stays one
 * annotation: an error for URLs, held back (Cloudflare refuses them: 1082), a warning for hosts and
 * prefixes, sent though nothing of them is cached in this zone.
 */
function itemsOutsideZone(foreign, zoneName) {
    return ['files', 'hosts', 'prefixes'].flatMap((kind) => {
        const byHost = new Map();
        for (const item of foreign[kind]) {
            const host = hostOf(item);
            const list = byHost.get(host) ?? [];
            list.push(item);
            byHost.set(host, list);
        }
        return [...byHost].map(([host, found]) => {
            const facts = { host, count: found.length, example: found[0], zone: zoneName };
            return kind === 'files'
                ? (0,catalogue/* diagnose */.h4)('outside-zone-refused', facts)
                : (0,catalogue/* diagnose */.h4)('outside-zone', { kind, ...facts });
        });
    });
}
/**
 * `zone: www.example.com` resolves to the zone example.com; `purge_everything` there clears every
 * hostname of example.com, a bigger scope than written, so it is refused (dry runs too) before any purge.
 * Tags are purged zone-wide too: a warning says so, since a tag may well be meant for the whole zone.
 */
function widerThanNamed(refs, zones, purge) {
    if (!purge.everything && purge.tags.length === 0)
        return [];
    return refs.flatMap((ref) => {
        if (ref.kind !== 'name')
            return [];
        const found = zones.find((z) => z.label === ref.name)?.zone.name;
        if (!found || found === ref.name)
            return [];
        const facts = { named: ref.name, zone: found };
        return [
            purge.everything ? (0,catalogue/* diagnose */.h4)('zone-wider-than-named', facts) : (0,catalogue/* diagnose */.h4)('tags-wider-than-named', facts)
        ];
    });
}
/** A notice for each zone of its own that items were placed in, naming the zone given above it. */
function ownZoneNotices(work, ownZones) {
    return ownZones.flatMap((own) => {
        const w = work.find((x) => x.zone.id === own.id);
        const n = w ? w.purge.files.length + w.purge.hosts.length + w.purge.prefixes.length : 0;
        const given = work.find((x) => x.zone.name && own.name && x.zone.id !== own.id && (0,cloudflare_hostnames/* isHostInZone */.Ee)(own.name, x.zone.name));
        if (n === 0 || !own.name || !given?.zone.name)
            return [];
        return [(0,catalogue/* diagnose */.h4)('host-has-own-zone', { zone: own.name, given: given.zone.name, count: n })];
    });
}

// EXTERNAL MODULE: ./src/cloudflare/budget.ts
var budget = __webpack_require__(3550);
;// CONCATENATED MODULE: ./src/access/zone-resolver.ts






/** Lookups by name in flight at once: enough for a few hostnames, gentle on the API's global limit. */
const LOOKUP_CONCURRENCY = 8;
/** Looks zones up by name, each name once however many hostnames ask for it, a few at a time. */
class ZoneFinder {
    api;
    answers = new Map();
    active = 0;
    waiting = [];
    constructor(api) {
        this.api = api;
    }
    /**
     * The most specific visible zone holding `hostname` (undefined when none), and the names tried. The
     * names are looked up at the same time; a failed lookup of a more specific name is an error, not a miss,
     * so an item never lands in a parent zone by accident.
     */
    async zoneOf(hostname, names = (0,cloudflare_hostnames/* candidateZoneNames */.io)(hostname)) {
        const tried = names;
        const answers = tried.map((name) => this.lookup(name));
        for (const [i, answer] of answers.entries()) {
            const name = tried[i];
            // Only an exact match: a listing that ignored the filter must never pick some other zone to purge.
            const zones = (await answer).filter((z) => z.name !== undefined && (0,cloudflare_hostnames/* toAsciiHostname */.Eq)(z.name) === name);
            const zone = oneZoneNamed(name, zones);
            if (zone)
                return { zone: { ...zone, name }, tried };
        }
        return { tried };
    }
    lookup(name) {
        let answer = this.answers.get(name);
        if (!answer) {
            answer = this.limited(() => this.api.findZonesByName(name)).catch((error) => {
                // A listing refused for lack of permission reads, to the user, the same as an empty one; an IP
                // filter (9109) does not.
                if (error instanceof cloudflare_errors/* CloudflareError */.Oi &&
                    error.kind === 'api' &&
                    error.status === 403 &&
                    !error.hasCode(9109)) {
                    return [];
                }
                throw error;
            });
            answer.catch(() => undefined); // awaited by zoneOf; this only keeps an unawaited failure from crashing
            this.answers.set(name, answer);
        }
        return answer;
    }
    async limited(task) {
        if (this.active >= LOOKUP_CONCURRENCY)
            await new Promise((go) => this.waiting.push(go));
        this.active++;
        try {
            return await task();
        }
        finally {
            this.active--;
            this.waiting.shift()?.();
        }
    }
}
/**
 * The zone meant by a name that the credential sees more than once (a `pending` copy added in another
 * account beside the `active` one): the one active zone, or a DiagnosedFailure listing every ID.
 */
function oneZoneNamed(name, zones) {
    if (zones.length <= 1)
        return zones[0];
    const active = zones.filter((z) => z.status === 'active');
    if (active.length === 1)
        return active[0];
    const listed = zones.map((z) => `${z.id} (${z.status ?? 'status unknown'})`);
    throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('zone-name-ambiguous', { name, zones: listed })]);
}
/**
 * Runs lookups side by side; the first failure decides, and ends the others (their requests and their
 * retry waits) rather than leaving them to run on after the verdict.
 */
async function allOrNothing(api, inputs, lookup) {
    const stop = new AbortController();
    const scoped = api.withSignal(stop.signal);
    try {
        return await Promise.all(inputs.map((input) => lookup(scoped, input)));
    }
    finally {
        stop.abort();
    }
}
/** Resolves every zone given, sharing lookups, and keeps each zone once when two inputs name the same. */
async function resolveZones(api, refs) {
    let finder;
    const resolutions = await allOrNothing(api, refs, (scoped, ref) => resolveZone(scoped, ref, (finder ??= new ZoneFinder(scoped))));
    return resolutions.filter((r, i) => resolutions.findIndex((o) => o.zone.id === r.zone.id) === i);
}
async function resolveZone(api, ref, finder = new ZoneFinder(api)) {
    return ref.kind === 'id' ? resolveZoneById(api, ref.id) : resolveZoneByName(finder, ref.name);
}
async function resolveZoneById(api, id) {
    try {
        return { zone: await api.getZone(id), readable: true, label: id, notes: [] };
    }
    catch (error) {
        if (!(error instanceof cloudflare_errors/* CloudflareError */.Oi) || error.kind !== 'api')
            throw zone_resolver_failure(error, id);
        if (error.hasCode(9109))
            throw zone_resolver_failure(error, id);
        const unroutable = error.hasCode(7003, 7000);
        if (!unroutable && !error.hasCode(10000) && error.status !== 403)
            throw zone_resolver_failure(error, id);
        // 10000 means "not yours", "no Zone Read" or "not a zone", and 7003 "no such zone": either way
        // an Account ID is the classic mix-up.
        if (await isAccount(api, id))
            throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('zone-is-account-id', { zone: id })]);
        if (unroutable)
            throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('zone-invalid-id', { zone: id })]);
        return { zone: { id }, readable: false, label: id, notes: [(0,catalogue/* diagnose */.h4)('zone-unreadable', { zone: id })] };
    }
}
async function isAccount(api, id) {
    try {
        await api.getAccount(id);
        return true;
    }
    catch (error) {
        // Not asked at all: the API budget held the call back, and that is what stops the run.
        if (error instanceof budget/* OverBudgetError */.i_)
            throw error;
        return false;
    }
}
async function resolveZoneByName(finder, name) {
    let found;
    try {
        found = await finder.zoneOf(name);
    }
    catch (error) {
        if (error instanceof failure/* DiagnosedFailure */.B)
            throw error;
        throw zone_resolver_failure(error, name);
    }
    if (!found.zone)
        throw new failure/* DiagnosedFailure */.B([(0,catalogue/* diagnose */.h4)('zone-name-not-found', { tried: found.tried })]);
    return { zone: found.zone, readable: true, label: name, notes: [] };
}
/**
 * Finds the zone of each distinct hostname: the most specific zone the credential can see. Hostnames in no
 * visible zone come back as errors (all of them, not the first only); a failed lookup throws.
 */
async function findZonesOfHosts(api, hostnames) {
    let finder;
    const distinct = [...new Set(hostnames)];
    const found = await allOrNothing(api, distinct, async (scoped, host) => {
        const ascii = (0,cloudflare_hostnames/* toAsciiHostname */.Eq)(host);
        if (!ascii)
            return { host, tried: [] };
        try {
            return { host, ...(await (finder ??= new ZoneFinder(scoped)).zoneOf(ascii)) };
        }
        catch (error) {
            if (error instanceof failure/* DiagnosedFailure */.B)
                throw error;
            throw zone_resolver_failure(error, host);
        }
    });
    const out = { zones: [], byHost: new Map(), errors: [] };
    for (const { host, zone, tried } of found) {
        if (!zone) {
            out.errors.push((0,catalogue/* diagnose */.h4)('host-in-no-visible-zone', { host, tried }));
            continue;
        }
        out.byHost.set(host, zone.id);
        if (!out.zones.some((z) => z.zone.id === zone.id)) {
            out.zones.push({ zone, readable: true, label: zone.name ?? zone.id, notes: [] });
        }
    }
    return out;
}
function zone_resolver_failure(error, zone) {
    return new failure/* DiagnosedFailure */.B([(0,from_error/* diagnoseError */.x)(error, { stage: 'zone', zone })]);
}
/** Names looked up at most to find the zones of subdomains: beyond it, items stay in the zone given. */
const OWN_ZONE_LOOKUPS = 50;
/**
 * The zones of the account that serve some item hosts themselves, below a zone given by name: with
 * `zone: example.com`, a URL on blog.example.com belongs to the zone blog.example.com when there is one,
 * since a purge sent to example.com does not reach it. Only the names between each host and its given
 * zone are looked up (each once, at most OWN_ZONE_LOOKUPS of them); a lookup that fails leaves the item
 * in the zone given, as before.
 */
async function findOwnZones(api, hostnames, given, 
/** Names already looked up (finding the zones given by name) and found to be no zone. */
tried = []) {
    const names = given.flatMap((z) => (z.name ? [z.name] : []));
    const wanted = new Map();
    for (const host of new Set(hostnames)) {
        const zoneName = names.filter((n) => (0,cloudflare_hostnames/* isHostInZone */.Ee)(host, n)).sort((a, b) => b.length - a.length)[0];
        if (!zoneName || host === zoneName)
            continue;
        const between = (0,cloudflare_hostnames/* candidateZoneNames */.io)(host).filter((n) => n.length > zoneName.length && !tried.includes(n));
        if (between.length > 0)
            wanted.set(host, between);
    }
    const lookups = new Set([...wanted.values()].flat());
    if (lookups.size === 0 || lookups.size > OWN_ZONE_LOOKUPS)
        return [];
    const finder = new ZoneFinder(api);
    const zones = await Promise.all([...wanted].map(([host, between]) => finder.zoneOf(host, between).then((r) => r.zone, () => undefined)));
    const found = [];
    for (const zone of zones) {
        if (zone && !found.some((f) => f.zone.id === zone.id) && !given.some((g) => g.id === zone.id)) {
            found.push({ zone, readable: true, label: zone.name ?? zone.id, notes: [] });
        }
    }
    return found;
}

;// CONCATENATED MODULE: ./src/access/check-access.ts





/**
 * Zone failures that a refused credential also produces (10000, 9109, an empty listing, …): the verdict
 * on the credential explains them better, so it is waited for. Any other zone failure (the API
 * unreachable, rate limited, an Account ID given as zone) decides the run by itself.
 */
const EXPLAINED_BY_CREDENTIAL = new Set([
    'zone-not-visible',
    // 7000 "No route" on the zone is also what a wrong `api_url` gives: verification tells the two apart.
    'zone-invalid-id',
    'zone-name-not-found',
    'token-ip-restricted',
    'token-invalid',
    'global-key-unknown',
    'bad-auth-header'
]);
function explainedByCredential(error) {
    return error instanceof failure/* DiagnosedFailure */.B && error.findings.some((f) => EXPLAINED_BY_CREDENTIAL.has(f.id));
}
/**
 * Throws a DiagnosedFailure when the credential or a zone will not do; `log` gets what was found. A failure
 * that decides the run ends the other side at once (its requests and its retry waits), so that nothing
 * runs on after the verdict.
 */
async function checkAccess(api, settings, purge, log) {
    const stopZones = new AbortController();
    const stopVerification = new AbortController();
    let zonesSettled = false;
    let verificationSettled = false;
    let zonesCancelled = false;
    let verificationCancelled = false;
    const verificationPromise = verifyCredential(api.withSignal(stopVerification.signal), settings.credential, {
        ...(settings.accountId ? { accountId: settings.accountId } : {}),
        ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
        // Asked only after the verify call's answer, by which time the zone lookups have started.
        zoneAccountId: async () => (await zonesPromise).zones.find((z) => z.zone.accountId)?.zone.accountId
    });
    const zoneApi = api.withSignal(stopZones.signal);
    const zonesPromise = settings.zones.length > 0
        ? resolveZones(zoneApi, settings.zones).then((zones) => ({ zones, byHost: new Map(), errors: [] }))
        : findZonesOfHosts(zoneApi, itemHosts(purge));
    // A refused credential is the verdict: the zone lookups can only end the same way.
    verificationPromise.then(() => (verificationSettled = true), () => {
        verificationSettled = true;
        if (!zonesSettled) {
            zonesCancelled = true;
            stopZones.abort();
        }
    });
    zonesPromise.then(() => (zonesSettled = true), (error) => {
        zonesSettled = true;
        if (!verificationSettled && !explainedByCredential(error)) {
            verificationCancelled = true;
            stopVerification.abort();
        }
    });
    const [verification, found] = await Promise.allSettled([verificationPromise, zonesPromise]);
    // An Account ID given as zone was recognised by reading that account with this very credential,
    // so it is the real problem even when the token could not be verified (no account to verify under).
    if (found.status === 'rejected' && !zonesCancelled && isAccountIdMixup(found.reason))
        throw found.reason;
    // A side ended because the other one decided is never the verdict.
    if (verification.status === 'rejected' && !verificationCancelled)
        throw verification.reason;
    if (found.status === 'rejected')
        throw found.reason;
    if (verification.status === 'rejected')
        throw verification.reason;
    // Every hostname in no visible zone, reported together, before anything is purged.
    if (found.value.errors.length > 0)
        throw new failure/* DiagnosedFailure */.B(found.value.errors);
    const zones = found.value.zones;
    const ownZones = settings.zones.length > 0
        ? await findOwnZones(api, itemHosts(purge), zones.map((z) => z.zone), settings.zones.flatMap((z) => (z.kind === 'name' ? (0,cloudflare_hostnames/* candidateZoneNames */.io)(z.name) : [])))
        : [];
    for (const own of ownZones)
        log(`Zone ${own.label} → ${own.zone.id}: a zone of its own, for the items on it`);
    for (const [host, zoneId] of found.value.byHost) {
        log(`Host ${host} → zone ${zones.find((z) => z.zone.id === zoneId)?.zone.name ?? zoneId}`);
    }
    const v = verification.value;
    log(v.owner === 'global-key'
        ? 'Global API Key accepted'
        : `API token is active (${v.owner === 'account' ? 'account-owned' : 'user'} token${v.tokenId ? ` ${v.tokenId}` : ''})`);
    for (const z of zones) {
        const plan = z.zone.plan ? `${z.zone.plan} plan` : 'plan unknown';
        log(`Zone ${z.label} → ${z.zone.id}${z.zone.name && z.zone.name !== z.label ? ` (${z.zone.name})` : ''}, ${plan}`);
    }
    return { verification: v, zones, ownZones };
}
function isAccountIdMixup(error) {
    return error instanceof failure/* DiagnosedFailure */.B && error.findings.some((f) => f.id === 'zone-is-account-id');
}

;// CONCATENATED MODULE: ./src/cloudflare/api.ts
// The Cloudflare API calls the action makes, with their answers checked into plain types.


/**
 * Environment refs are 32 hex characters in Cloudflare's examples, at most 32 characters in its API
 * schema; anything outside this safe set is refused before it reaches a URL path.
 */
const ENVIRONMENT_REF = /^[A-Za-z0-9_-]{1,32}$/;
/**
 * `/zones/{zone_id}/purge_cache`, `/zones/{zone_id}/invalidate_cache`, or the same under
 * `/environments/{ref}` (Cloudflare's API reference: "Purge / Invalidate Cached Content by Environment").
 */
function cachePath(zoneId, target) {
    const zone = `/zones/${assertId(zoneId, 'zone ID')}`;
    const ref = target.environment?.ref;
    if (ref !== undefined && !ENVIRONMENT_REF.test(ref)) {
        throw new Error('internal: refusing to put an invalid environment ref into a URL path');
    }
    const verb = target.mode === 'invalidate' ? 'invalidate_cache' : 'purge_cache';
    return ref === undefined ? `${zone}/${verb}` : `${zone}/environments/${ref}/${verb}`;
}
/** IDs go into URL paths: anything but 32 hex characters is refused before a request is built. */
function assertId(id, what) {
    if (!patterns/* HEX32_ID */.$9.test(id))
        throw new Error(`internal: refusing to put an invalid ${what} into a URL path`);
    return id;
}
class CloudflareApi {
    http;
    signal;
    constructor(http, 
    /** Ends every call made through this object (see withSignal). */
    signal) {
        this.http = http;
        this.signal = signal;
    }
    /** The same API whose calls also end when `signal` aborts: siblings of a failure stop with it. */
    withSignal(signal) {
        return new CloudflareApi(this.http, this.signal ? AbortSignal.any([this.signal, signal]) : signal);
    }
    get(path, query) {
        return this.http.call('GET', path, {
            ...(query ? { query } : {}),
            ...(this.signal ? { signal: this.signal } : {})
        });
    }
    async verifyUserToken() {
        return toTokenStatus((await this.get('/user/tokens/verify')).result, 'GET /user/tokens/verify');
    }
    async verifyAccountToken(accountId) {
        const path = `/accounts/${assertId(accountId, 'account ID')}/tokens/verify`;
        return toTokenStatus((await this.get(path)).result, `GET ${path}`);
    }
    async getUser() {
        await this.get('/user');
    }
    async getAccount(accountId) {
        const path = `/accounts/${assertId(accountId, 'account ID')}`;
        const result = (await this.get(path)).result;
        return { id: accountId, ...(typeof result?.name === 'string' ? { name: result.name } : {}) };
    }
    async getZone(zoneId) {
        const path = `/zones/${assertId(zoneId, 'zone ID')}`;
        return toZone((await this.get(path)).result, `GET ${path}`);
    }
    /** Zones with exactly this name that the credential can read (an empty list when none). */
    async findZonesByName(name) {
        const envelope = await this.get('/zones', { name, per_page: '50' });
        if (!Array.isArray(envelope.result))
            throw malformed('GET /zones', 'a list of zones');
        return envelope.result.map((z) => toZone(z, 'GET /zones'));
    }
    /** A POST whose request and retries end with this object's signal or the call's own. */
    post(path, body, options) {
        const signals = [this.signal, options.signal].filter((s) => s !== undefined);
        return this.http.call('POST', path, {
            body,
            ...(options.beforeRetry ? { beforeRetry: options.beforeRetry } : {}),
            ...(options.onAttemptFailed ? { onAttemptFailed: options.onAttemptFailed } : {}),
            ...(options.budgeted ? { budgeted: true } : {}),
            ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {})
        });
    }
    /** Posts one purge or invalidation to the zone or one of its environments; returns Cloudflare's ID. */
    async clearCache(zoneId, body, target, options = {}) {
        const path = cachePath(zoneId, target);
        const { result } = await this.post(path, body, options);
        if (!result || typeof result.id !== 'string') {
            throw malformed(`POST ${path}`, target.mode === 'invalidate' ? 'an invalidation ID' : 'a purge ID');
        }
        return result.id;
    }
    /**
     * The zone's Version Management environments (`result.environments`). Entries without a usable name
     * and ref are left out; an answer without a list is taken as no environments at all.
     */
    async listEnvironments(zoneId) {
        const path = `/zones/${assertId(zoneId, 'zone ID')}/environments`;
        const { result } = await this.get(path);
        const list = result?.environments ?? result;
        if (!Array.isArray(list))
            return [];
        const environments = [];
        for (const entry of list) {
            if (typeof entry?.name === 'string' && typeof entry.ref === 'string' && ENVIRONMENT_REF.test(entry.ref))
                environments.push({ name: entry.name, ref: entry.ref });
        }
        return environments;
    }
}
function malformed(endpoint, expected) {
    return new cloudflare_errors/* CloudflareError */.Oi({
        kind: 'invalid-response',
        endpoint,
        status: 200,
        message: `the API reported success but its answer did not contain ${expected}`
    });
}
function toTokenStatus(result, endpoint) {
    const r = result;
    if (!r || typeof r.status !== 'string')
        throw malformed(endpoint, 'the token status');
    const out = { status: r.status };
    if (typeof r.id === 'string')
        out.id = r.id;
    if (typeof r.expires_on === 'string')
        out.expiresOn = r.expires_on;
    if (typeof r.not_before === 'string')
        out.notBefore = r.not_before;
    return out;
}
const PLANS = ['free', 'pro', 'business', 'enterprise'];
function toZone(value, endpoint) {
    const z = value;
    if (!z || typeof z.id !== 'string' || !patterns/* HEX32_ID */.$9.test(z.id))
        throw malformed(endpoint, 'a zone');
    const zone = { id: z.id };
    if (typeof z.name === 'string')
        zone.name = z.name.toLowerCase();
    const plan = z.plan?.legacy_id;
    if (typeof plan === 'string' && PLANS.includes(plan))
        zone.plan = plan;
    if (typeof z.account?.id === 'string' && patterns/* HEX32_ID */.$9.test(z.account.id))
        zone.accountId = z.account.id;
    if (typeof z.status === 'string')
        zone.status = z.status;
    return zone;
}

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./src/cloudflare/proxy.ts
var cloudflare_proxy = __webpack_require__(3827);
;// CONCATENATED MODULE: ./src/cloudflare/http-client.ts
// HTTP transport for Cloudflare's API v4: the envelope, timeouts, retries with backoff, a shared
// pause after 429, the credential's API-wide budget (every call waits for it), cancellation, and proxies
// from the environment. Knows nothing of GitHub Actions.




const MAX_BODY_BYTES = 1024 * 1024;
const MAX_ATTEMPT_MS = 30_000;
const MIN_ATTEMPT_MS = 5_000;
const MIN_RETRY_WINDOW_MS = 500;
/** The code of a timeout that came from the end of the time allowed by `timeout`. */
const DEADLINE = 'DEADLINE';
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 20_000;
class CloudflareHttpClient {
    options;
    base;
    headers;
    dispatcher;
    attemptTimeoutMs;
    maxAttempts;
    random;
    /** The proxy in use, as it may be shown (no credentials); undefined when connecting directly. */
    proxy;
    /** How the proxy variables were read, for the log. */
    proxyChoice;
    /** After a 429 every request waits until then, so concurrent batches do not pile onto the limit. */
    pausedUntil = 0;
    /** The 429 that set the pause, for the requests it holds back past the deadline. */
    pauseCause;
    /** Aborted by close(): every call still waiting or in flight ends at once. */
    closing = new AbortController();
    closed;
    signal;
    warned = new Set();
    requestCount = 0;
    rateLimitedCount = 0;
    /** The credential's API-wide budget, read from the Ratelimit headers of every answer. */
    budget;
    constructor(options) {
        this.options = options;
        this.base = options.apiUrl.replace(/\/+$/, '');
        this.headers = {
            accept: 'application/json',
            'user-agent': options.userAgent ?? 'cloudflare-purge-action',
            ...authHeaders(options.credential)
        };
        this.proxyChoice = options.dispatcher ? {} : (0,cloudflare_proxy/* chooseProxy */.UR)(this.base, options.env ?? process.env);
        if (this.proxyChoice.proxy)
            this.proxy = (0,cloudflare_proxy/* describeProxy */.GK)(this.proxyChoice.proxy);
        this.dispatcher = options.dispatcher ?? createDispatcher(this.proxyChoice.proxy);
        this.attemptTimeoutMs = options.attemptTimeoutMs ?? attemptTimeoutFor(options.deadline - Date.now());
        this.maxAttempts = options.maxAttempts ?? 6;
        this.random = options.random ?? Math.random;
        this.budget = options.budget ?? new budget/* ApiBudget */.W1();
        this.signal = options.signal
            ? AbortSignal.any([options.signal, this.closing.signal])
            : this.closing.signal;
    }
    /** Ends every call still waiting or in flight, then closes the connections. Calling it again is harmless. */
    close() {
        if (!this.closed) {
            this.closing.abort();
            this.closed = this.options.dispatcher ? Promise.resolve() : this.dispatcher.close();
        }
        return this.closed;
    }
    /** Sends one API call, retrying what is safe to retry, and returns the envelope's result. */
    async call(method, path, init = {}) {
        const endpoint = `${method} ${path}`;
        const signal = init.signal ? AbortSignal.any([init.signal, this.signal]) : this.signal;
        let previous;
        for (let attempt = 1;; attempt++) {
            if (signal.aborted)
                throw new cloudflare_errors/* CancelledError */.cc(endpoint);
            await this.waitForPause(signal);
            if (previous && init.beforeRetry) {
                // A retry that cannot be paced in time ends with the failure that caused it.
                const cause = previous;
                await init
                    .beforeRetry()
                    .catch((e) => Promise.reject(e instanceof cloudflare_errors/* CancelledError */.cc ? e : cause));
            }
            if (!init.budgeted)
                await this.withinBudget(endpoint, signal);
            try {
                return await this.attempt(method, path, endpoint, { ...init, signal });
            }
            catch (e) {
                if (e instanceof cloudflare_errors/* CancelledError */.cc)
                    throw e;
                if (signal.aborted)
                    throw new cloudflare_errors/* CancelledError */.cc(endpoint);
                let error = e instanceof cloudflare_errors/* CloudflareError */.Oi ? e : toNetworkError(e, endpoint, {});
                // A last attempt cut short by the deadline says less than the failure that made it a retry.
                if (error.code === DEADLINE && previous)
                    error = previous;
                error.attempts = attempt;
                init.onAttemptFailed?.(error);
                const delay = this.retryDelay(error, attempt);
                if (error.status === 429)
                    this.pause(error, delay ?? error.retryAfterMs);
                if (delay === undefined)
                    throw error;
                previous = error;
                this.options.onRetry?.({ endpoint, attempt, delayMs: delay, reason: summarize(error) });
                await sleep(delay, signal);
            }
        }
    }
    /**
     * Waits until the credential's API-wide budget has a request to spare beyond the part kept for the
     * account's other tools, and takes it. When the window frees up only after the deadline, the call is
     * held back (OverBudgetError) rather than sent: meeting Cloudflare's limit blocks every API call of the
     * account's user for 5 minutes (https://developers.cloudflare.com/fundamentals/api/reference/limits/).
     * A wait for the answer of a request in flight lasts no longer than that request (see awaitingAnswer).
     */
    async withinBudget(endpoint, signal) {
        for (let wait = this.budget.reserve(); wait > 0; wait = this.budget.reserve()) {
            const late = Date.now() + wait + MIN_RETRY_WINDOW_MS >= this.options.deadline;
            if (late && !this.budget.awaitingAnswer)
                throw this.budget.heldBack(endpoint);
            await sleep(wait, signal);
        }
    }
    /** True while every request waits after a 429. */
    isPaused() {
        return this.pausedUntil > Date.now();
    }
    /**
     * Resolves once no 429 pause is in force. A pause that lasts past the deadline rejects at once with
     * the 429 that set it: waiting for it would only end the run later, with the same result.
     */
    async waitForPause(signal) {
        for (let wait = this.pausedUntil - Date.now(); wait > 0; wait = this.pausedUntil - Date.now()) {
            if (this.pausedUntil + MIN_RETRY_WINDOW_MS >= this.options.deadline && this.pauseCause) {
                this.pauseCause.timeLeftMs = Math.max(0, this.options.deadline - Date.now());
                throw this.pauseCause;
            }
            await sleep(wait, signal);
        }
    }
    /** After a 429 every request waits as long as Cloudflare asked, so that none adds to the overload. */
    pause(error, waitMs) {
        if (waitMs === undefined)
            return;
        const until = Date.now() + waitMs;
        if (until <= this.pausedUntil)
            return;
        this.pausedUntil = until;
        this.pauseCause = error;
    }
    /** The wait before the next attempt, or undefined when the error is final. */
    retryDelay(error, attempt) {
        if (attempt >= this.maxAttempts)
            return undefined;
        if (!isRetryable(error))
            return undefined;
        const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
        // Full jitter spreads concurrent retries; a Retry-After from Cloudflare is a floor, not a guess.
        const jittered = backoff / 2 + (this.random() * backoff) / 2;
        const delay = error.retryAfterMs !== undefined ? error.retryAfterMs + this.random() * 100 : jittered;
        // A retry needs a little time of its own to be worth starting.
        if (Date.now() + delay + MIN_RETRY_WINDOW_MS >= this.options.deadline) {
            // Cloudflare's own wait is longer than the run has left: say so, rather than "kept answering".
            if (error.retryAfterMs !== undefined)
                error.timeLeftMs = Math.max(0, this.options.deadline - Date.now());
            return undefined;
        }
        return Math.ceil(delay);
    }
    async attempt(method, path, endpoint, init) {
        const remaining = this.options.deadline - Date.now();
        if (remaining <= 0) {
            // The request taken from the budget for this attempt does not go.
            this.budget.refund();
            throw new cloudflare_errors/* CloudflareError */.Oi({
                kind: 'timeout',
                endpoint,
                code: DEADLINE,
                message: 'the time allowed by `timeout` ran out'
            });
        }
        const timeout = Math.max(1, Math.floor(Math.min(this.attemptTimeoutMs, remaining)));
        try {
            return await this.send(method, path, endpoint, init, timeout);
        }
        catch (e) {
            if (e instanceof cloudflare_errors/* CloudflareError */.Oi)
                throw e;
            if (init.signal.aborted)
                throw new cloudflare_errors/* CancelledError */.cc(endpoint);
            throw toNetworkError(e, endpoint, {
                timeoutMs: timeout,
                cutByDeadline: timeout < this.attemptTimeoutMs,
                ...(this.proxy ? { proxy: this.proxy } : {})
            });
        }
    }
    async send(method, path, endpoint, init, timeout) {
        const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
        const headers = { ...this.headers };
        let body;
        if (init.body !== undefined) {
            body = JSON.stringify(init.body);
            headers['content-type'] = 'application/json';
        }
        this.requestCount++;
        const index = this.budget.sending();
        let response;
        try {
            response = await (0,undici/* request */.Em)(`${this.base}${path}${query}`, {
                method,
                headers,
                body,
                dispatcher: this.dispatcher,
                headersTimeout: timeout,
                bodyTimeout: timeout,
                signal: AbortSignal.any([AbortSignal.timeout(timeout), init.signal])
            });
        }
        catch (e) {
            this.budget.unanswered();
            throw e;
        }
        // Every answer says how much of the credential's budget is left, errors and 429s included.
        this.budget.answered(index, (0,budget/* parseRateLimitHeaders */.bR)(response.headers));
        const status = response.statusCode;
        const text = await readLimited(response.body, endpoint, status);
        const retryAfterMs = parseRetryAfter(response.headers);
        if (status === 429)
            this.rateLimitedCount++;
        if (status >= 300 && status < 400) {
            const location = String(response.headers.location ?? '').slice(0, 300);
            throw new cloudflare_errors/* CloudflareError */.Oi({
                kind: 'invalid-response',
                endpoint,
                status,
                message: `the API answered with a redirect${location ? ` to ${location}` : ''}, which is not followed with credentials; check \`api_url\``
            });
        }
        let envelope;
        try {
            envelope = JSON.parse(text);
            if (envelope === null || typeof envelope !== 'object')
                throw new Error('not an object');
        }
        catch {
            throw new cloudflare_errors/* CloudflareError */.Oi({
                kind: 'invalid-response',
                endpoint,
                status,
                retryAfterMs,
                message: `the API answered HTTP ${status} with ${describeBody(text)} instead of JSON`
            });
        }
        const errors = Array.isArray(envelope.errors) ? envelope.errors : [];
        // `success` is Cloudflare's verdict: errors listed beside `success: true` do not undo the call.
        if (envelope.success !== true || status >= 400) {
            throw new cloudflare_errors/* CloudflareError */.Oi({
                kind: 'api',
                endpoint,
                status,
                errors,
                retryAfterMs,
                message: errors.length > 0 ? (errors[0]?.message ?? '') : `HTTP ${status} without an error message`
            });
        }
        if (errors.length > 0)
            this.warn(endpoint, errors);
        const out = {
            result: envelope.result,
            messages: Array.isArray(envelope.messages) ? envelope.messages : [],
            status
        };
        if (envelope.result_info && typeof envelope.result_info === 'object')
            out.resultInfo = envelope.result_info;
        return out;
    }
    warn(endpoint, errors) {
        const detail = (0,cloudflare_errors/* describeMessages */.sV)(errors).slice(0, 1000);
        if (this.warned.has(detail))
            return;
        this.warned.add(detail);
        this.options.onWarning?.({ endpoint, detail });
    }
}
/** Purging is idempotent, so anything that may be passing is retried: 429, 5xx, garbled answers, network. */
function isRetryable(error) {
    // A name that does not resolve will not resolve a second later; a temporary DNS failure (EAI_AGAIN) may.
    if (error.code === 'ENOTFOUND')
        return false;
    // More than a megabyte is no answer of the API: whatever sent it would send it again.
    if (error.code === cloudflare_errors/* ANSWER_TOO_LARGE */.QA)
        return false;
    // Node's and undici's argument errors are mistakes in the request itself: the same request fails again.
    if (error.code && /^(ERR_|UND_ERR_INVALID_ARG)/.test(error.code))
        return false;
    if (error.kind === 'network' || error.kind === 'timeout')
        return true;
    if (error.status === undefined)
        return false;
    return (error.status === 429 || error.status >= 500 || (error.kind === 'invalid-response' && error.status < 300));
}
function authHeaders(credential) {
    return credential.kind === 'token'
        ? { authorization: `Bearer ${credential.token}` }
        : { 'x-auth-email': credential.email, 'x-auth-key': credential.key };
}
/** The client talks to one origin, so the proxy is chosen once (chooseProxy) rather than per request. */
function createDispatcher(proxy) {
    const options = { keepAliveTimeout: 10_000, connections: 32 };
    return proxy ? new undici/* ProxyAgent */.kT({ ...options, uri: proxy.href }) : new undici/* Agent */.g6(options);
}
/**
 * How long one attempt may wait for its answer: 30 s, or less when the whole run has little time, but
 * not under 5 s (or all of the time, when less is left), so that a slow answer still has its chance
 * and a hung connection still leaves room to retry on a fresh one.
 */
function attemptTimeoutFor(totalMs) {
    // Whole milliseconds: AbortSignal.timeout refuses fractions.
    return Math.max(1, Math.floor(Math.min(MAX_ATTEMPT_MS, Math.max(totalMs / 2, Math.min(totalMs, MIN_ATTEMPT_MS)))));
}
async function readLimited(body, endpoint, status) {
    const chunks = [];
    let size = 0;
    for await (const chunk of body) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
            body.destroy();
            throw new cloudflare_errors/* CloudflareError */.Oi({
                kind: 'invalid-response',
                endpoint,
                status,
                code: cloudflare_errors/* ANSWER_TOO_LARGE */.QA,
                message: `the answer (HTTP ${status}) was larger than 1 MiB, far more than any answer of this API, so it was not read`
            });
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
}
/**
 * How long Cloudflare asks to wait: `Retry-After-Ms` (milliseconds, which Cloudflare's SDKs honour) when it
 * holds a number, else `Retry-After` (seconds or an HTTP date). An empty or garbled header counts as absent,
 * so that it never overrides the other (Number('') is 0).
 */
function parseRetryAfter(headers, now = Date.now()) {
    const ms = nonNegativeNumber(headers['retry-after-ms']);
    if (ms !== undefined)
        return ms;
    const value = headers['retry-after'];
    if (typeof value !== 'string' || value.trim() === '')
        return undefined;
    const seconds = nonNegativeNumber(value);
    if (seconds !== undefined)
        return seconds * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function nonNegativeNumber(value) {
    if (typeof value !== 'string' || value.trim() === '')
        return undefined;
    const n = Number(value);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
}
function describeBody(body) {
    // Only the start is searched: a hostile body of a megabyte must not make the pattern crawl.
    const text = body.slice(0, 64 * 1024);
    if (text.trim() === '')
        return 'an empty body';
    const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text);
    if (title)
        return `an HTML page "${(title[1] ?? '').trim()}"`;
    if (/^\s*</.test(text))
        return 'an HTML page';
    return 'a body that is not JSON (perhaps cut short)';
}
const TIMEOUT_CODES = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'];
const NETWORK_MESSAGES = {
    ENOTFOUND: 'the API host name could not be resolved (DNS)',
    EAI_AGAIN: 'the API host name could not be resolved (DNS, temporary)',
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    UND_ERR_SOCKET: 'the connection was closed before a complete answer arrived',
    EPIPE: 'the connection was closed while sending',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable'
};
function toNetworkError(e, endpoint, context) {
    const err = (e ?? {});
    const code = [err.code, err.cause?.code].find((c) => typeof c === 'string');
    const name = String(err.name ?? '');
    const via = context.proxy ? ` (through the proxy ${context.proxy})` : '';
    // AbortSignal.timeout rejects with a DOMException named TimeoutError whose numeric code is no help.
    if (TIMEOUT_CODES.includes(code ?? '') || name === 'TimeoutError') {
        const seconds = Math.round((context.timeoutMs ?? 0) / 100) / 10;
        const message = context.cutByDeadline
            ? `no answer before the time allowed by \`timeout\` ran out (this attempt waited ${seconds} s)${via}`
            : `no answer within ${seconds} s${via}`;
        const marker = context.cutByDeadline ? DEADLINE : code;
        return new cloudflare_errors/* CloudflareError */.Oi({ kind: 'timeout', endpoint, message, ...(marker ? { code: marker } : {}) });
    }
    const proxyStatus = /Proxy response \((\d{3})\)/.exec(String(err.message ?? ''));
    if (proxyStatus) {
        const status = Number(proxyStatus[1]);
        const reason = status === 407
            ? 'it wants credentials (407 Proxy Authentication Required): put them in the proxy URL, http://user:password@host:port'
            : `it answered HTTP ${status}`;
        return new cloudflare_errors/* CloudflareError */.Oi({
            kind: 'network',
            endpoint,
            code: 'PROXY_REFUSED',
            message: `the proxy${context.proxy ? ` ${context.proxy}` : ''} would not open a connection to the API: ${reason}`
        });
    }
    const known = NETWORK_MESSAGES[code ?? ''];
    const message = known
        ? `${known}${via}`
        : `the request failed (${code ?? (err.message || 'unknown error')})${via}`;
    return new cloudflare_errors/* CloudflareError */.Oi({ kind: 'network', endpoint, message, ...(code ? { code } : {}) });
}
function summarize(error) {
    return error.kind === 'api' ? error.describe() : `${error.message} on ${error.endpoint}`;
}
/** Waits `ms`; rejects with a CancelledError as soon as `signal` aborts, leaving no timer behind. */
function sleep(ms, signal) {
    if (signal?.aborted)
        return Promise.reject(new cloudflare_errors/* CancelledError */.cc());
    return new Promise((resolve, reject) => {
        const done = () => {
            signal?.removeEventListener('abort', cancel);
            resolve();
        };
        const timer = setTimeout(done, ms);
        const cancel = () => {
            clearTimeout(timer);
            reject(new cloudflare_errors/* CancelledError */.cc());
        };
        signal?.addEventListener('abort', cancel, { once: true });
    });
}

// EXTERNAL MODULE: ./src/inputs/request.ts
var request = __webpack_require__(8024);
// EXTERNAL MODULE: ./src/diagnosis/door.ts
var door = __webpack_require__(6801);
;// CONCATENATED MODULE: ./src/purge/pacing.ts
class TokenBucket {
    spec;
    now;
    share;
    tokens;
    updated;
    constructor(spec, now = () => performance.now(), 
    /** The share of `spec.rate` in force (an AdaptiveShare after a 429); 1 by default. */
    share = () => 1) {
        this.spec = spec;
        this.now = now;
        this.share = share;
        this.tokens = spec.capacity;
        this.updated = now();
    }
    refill() {
        const t = this.now();
        const rate = this.spec.rate * this.share();
        this.tokens = Math.min(this.spec.capacity, this.tokens + ((t - this.updated) / 1000) * rate);
        this.updated = t;
        return rate;
    }
    /** Reserves `cost` tokens and returns how many milliseconds to wait before using them. */
    reserve(cost) {
        const rate = this.refill();
        this.tokens -= cost;
        return this.tokens >= 0 ? 0 : (-this.tokens / rate) * 1000;
    }
    /** Gives back tokens reserved for a request that was not sent after all. */
    refund(cost) {
        this.tokens = Math.min(this.spec.capacity, this.tokens + cost);
    }
}
/**
 * How much earlier than planned a request may count at Cloudflare: connection set-up, scheduling and
 * the server's own clock shift arrivals by tens of milliseconds. The request bucket keeps this much in
 * reserve, so that such jitter never turns into a 429 (and its Retry-After of a second or more). URL
 * pacing needs none: its rule leaves a whole request's worth of slack (WindowPacer).
 */
const PACING_MARGIN_MS = 200;
/** The same limit with `marginMs` worth of tokens held back from the burst. */
function withMargin(spec, marginMs) {
    const held = (spec.rate * marginMs) / 1000;
    return { rate: spec.rate, capacity: Math.max(spec.capacity / 2, spec.capacity - held) };
}
/**
 * Purge rate limits per account, as Cloudflare's purge-cache page lists them
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/). Unknown plan: Free, the strictest.
 */
const PURGE_RATE_LIMITS = {
    free: { urlsPerSecond: 800, requests: { rate: 5 / 60, capacity: 25 } },
    pro: { urlsPerSecond: 1500, requests: { rate: 5, capacity: 25 } },
    business: { urlsPerSecond: 1500, requests: { rate: 10, capacity: 50 } },
    enterprise: { urlsPerSecond: 3000, requests: { rate: 50, capacity: 500 } }
};
/**
 * Paces URL purges against Cloudflare's "moving average" URL limit. Cloudflare does not say over what
 * window it averages, so the pacer takes the strictest reading: no window of W seconds (W ≥ 1) carries
 * more than rate × W URLs, and no shorter one more than a second's worth, from the first request on. A
 * send goes at the earliest moment at which every window ending there holds no more than that, and no
 * sooner than the previous send's share of a second after it (count / rate), so nothing goes in a burst.
 * That holds under a token bucket with a second of burst, a sliding 1 s window and an average over any
 * longer window alike; and any 9 sends of 100 URLs at 800/s span at least 1.125 s, so a send that
 * reaches Cloudflare up to 125 ms (one send's share of a second) early or late still fits. The rate is the one in force when
 * the send is reserved (lower after a 429): the sends before it are measured against it too.
 */
class WindowPacer {
    now;
    windowMs;
    /** Planned sends within the last two windows, oldest first. */
    sends = [];
    constructor(now = () => performance.now(), windowMs = 1000) {
        this.now = now;
        this.windowMs = windowMs;
    }
    /** Reserves a send of `count` URLs at `rate` URLs per second; returns the ms to wait before it. */
    reserve(count, rate) {
        const t = this.now();
        const ms = (urls) => (urls / rate) * 1000;
        // A window longer than two seconds splits into windows of one to two seconds, each within its
        // limit, so sends older than that constrain nothing any more.
        while (this.sends.length > 0 && (this.sends[0]?.at ?? t) < t - 2 * this.windowMs)
            this.sends.shift();
        const last = this.sends[this.sends.length - 1];
        let at = last ? Math.max(t, last.at + ms(last.count)) : t;
        let urls = count;
        for (let i = this.sends.length - 1; i >= 0; i--) {
            const send = this.sends[i];
            urls += send.count;
            // The window from that send to this one holds `urls`: more than a window's worth needs as long.
            const needed = ms(urls);
            if (needed > this.windowMs)
                at = Math.max(at, send.at + needed);
        }
        this.sends.push({ at, count });
        return at - t;
    }
    /**
     * The last reservation goes now: when that is later than planned (a busy process wakes late), the
     * sends after it are spaced from when it really went, not from when it should have.
     */
    sending() {
        const last = this.sends[this.sends.length - 1];
        if (last)
            last.at = Math.max(last.at, this.now());
    }
    /** Forgets a reservation that was not sent: the latest one of that size already due, else the latest. */
    refund(count) {
        const t = this.now();
        let index = -1;
        for (let i = this.sends.length - 1; i >= 0 && index < 0; i--) {
            const send = this.sends[i];
            if (send.count === count && send.at <= t + 1)
                index = i;
        }
        if (index < 0)
            index = this.sends.findLastIndex((s) => s.count === count);
        if (index >= 0)
            this.sends.splice(index, 1);
    }
    /**
     * The URLs of the sends made within a window before the latest one made so far. After a 429, that
     * latest send is most likely the refused one, and this is what got through before it: the run's
     * measured part of the account's budget.
     */
    sentBeforeLast() {
        const t = this.now();
        const made = this.sends.filter((s) => s.at <= t);
        const last = made[made.length - 1];
        if (!last)
            return 0;
        return made.filter((s) => s !== last && s.at > last.at - this.windowMs).reduce((n, s) => n + s.count, 0);
    }
}
/**
 * Additive increase, multiplicative decrease: the share of the documented rate that the account's
 * pacer spends. Other runs on the same account (a matrix of deploys) spend the same budget, and the
 * action cannot see them: a 429 says they exist. A 429 halves the share (the answers to requests sent
 * before it tell nothing new, so one halving per pause), and once the pause is over the share climbs
 * back linearly, by half the documented rate per second. With `quietMs`, the first halving (from full
 * pace) holds that long after the pause before the climb starts. A run alone on its account never sees
 * a 429, so none of this slows it.
 *
 * The first cut also takes the run's measured part (`measuredShare`: what it got through in the second
 * before the refusal, as a share of the rate) when that is below half and above nothing. Three runs that start together
 * under a sliding 1 s window fill it 3, 3 and 2 sends of 100: halved, each kept half (4 sends a second,
 * 12 between them) and went over again, and a run halved again climbs at once, so they never settled
 * below the limit: 20 or 21 answers 429 in 3 measurements, 1.65 to 1.68 times the least time.
 * Measured, they take 3/8, 3/8 and 2/8 (8 sends a second between them): 3 answers 429 in all, the
 * ones at the start. Two runs measure half or more, and keep half as before.
 */
class AdaptiveShare {
    now;
    quietMs;
    static DECREASE = 0.5;
    static RECOVERY_PER_SECOND = 0.5;
    static FLOOR = 1 / 32;
    static HOLD_MS = 1000;
    /**
     * A first cut below half holds for `quietMs` × (cut / half) ^ QUIET_EXPONENT: the run with the
     * smallest part has the most left to do when the others finish, so it climbs first. Measured, three
     * runs of 2,000 URLs under a sliding 1 s window: in proportion (exponent 1, 5 s at a quarter), the
     * quarter run climbed while the other two were still sending, met a 429 and its pause, and all
     * finished in 1.27 to 1.32 times the least time; with 0.75 (about 6 s at a quarter) no such 429, 1.22
     * to 1.23. A cut to half holds the whole `quietMs` either way.
     */
    static QUIET_EXPONENT = 0.75;
    base = 1;
    since = -Infinity;
    holdUntil = -Infinity;
    constructor(now = () => performance.now(), 
    /** How long the share stays at its first halving, after the pause, before it climbs. */
    quietMs = 0) {
        this.now = now;
        this.quietMs = quietMs;
    }
    /** The share in force now, between FLOOR and 1. */
    current() {
        const elapsed = Math.max(0, this.now() - this.since) / 1000;
        return Math.min(1, this.base + AdaptiveShare.RECOVERY_PER_SECOND * elapsed);
    }
    /**
     * A 429 answered a request of this account; nothing is sent for `pauseMs` (its Retry-After).
     * `measuredShare`: the part of the documented rate this run got through in the second before it.
     */
    decrease(pauseMs = 0, measuredShare = Infinity) {
        const t = this.now();
        // The other answers to requests sent before this one tell nothing new.
        if (t < this.holdUntil)
            return;
        const share = this.current();
        const first = share >= 1;
        const halved = share * AdaptiveShare.DECREASE;
        // Nothing through (the refused send was the run's first in the second) measures nothing.
        const measured = first && measuredShare > 0 ? measuredShare : Infinity;
        this.base = Math.max(AdaptiveShare.FLOOR, Math.min(halved, measured));
        // The climb starts when sending does: a pause is no evidence that the budget has room. A run halved
        // again while it holds is losing the budget to faster runs, which may never see a 429 themselves
        // (under a bucket, the run that sends into the empty bucket gets it): it climbs at once, or it
        // would crawl on after the others have finished.
        const quiet = first
            ? this.quietMs * Math.min(1, this.base / AdaptiveShare.DECREASE) ** AdaptiveShare.QUIET_EXPONENT
            : 0;
        this.since = t + Math.max(0, pauseMs) + quiet;
        this.holdUntil = t + Math.max(pauseMs, AdaptiveShare.HOLD_MS);
    }
}
/**
 * After its first 429 on URLs, a run holds half the rate for 10 s before it climbs (less of both when
 * it measured less than half: AdaptiveShare). Climbing sooner
 * sends runs that started together (a matrix) over the limit again: two runs of 3,000 URLs on Free
 * that climbed back right after their pause met the limit every 2 s or so under a sliding 1 s window,
 * 14 answers 429 in all, each with a pause of at least a second (Retry-After is in whole seconds). The
 * cost: a run left alone at half the rate gets its full pace back some 12 s after that 429 (the pause,
 * the 10 s, a second's climb).
 */
const URL_QUIET_MS = 10_000;
/**
 * How much of a second a cut pace keeps in reserve (cutUrlRate), for sends that reach Cloudflare a
 * little early or late. Measured: two runs on one Free account, each at half the rate, met no further
 * 429 under a sliding 1 s window, also with the machine twice as busy.
 */
const CUT_SLACK_MS = 50;
/**
 * The pace of sends of `count` URLs at `share` of the documented rate. The window rule (WindowPacer)
 * keeps one send of slack in every second: at a cut rate that send is long, and the rate buys fewer
 * whole sends than it seems (at half of Free's 800/s, 4 sends of 100 in each 1.25 s: 320 URLs/s, so
 * two runs at half use 80% of the account's budget). The cut rate allows `sends` whole sends in a second, no
 * more; the pace goes up to the fastest at which one more send needs a second and CUT_SLACK_MS
 * (4 sends in each 1.05 s on Free at half, 95% between two runs), which still puts no more than
 * `sends` in any second, and never above the documented rate. Full share: the documented rate.
 */
function cutUrlRate(urlsPerSecond, share, count) {
    const rate = urlsPerSecond * share;
    const sends = Math.floor(rate / count);
    if (share >= 1 || sends < 1)
        return rate;
    const fastest = ((sends + 1) * count) / (1 + CUT_SLACK_MS / 1000);
    return Math.min(urlsPerSecond, Math.max(rate, fastest));
}
/**
 * Paces the purge requests of one account, which Cloudflare limits as a whole: URLs by a moving
 * average (WindowPacer), tags, hosts, prefixes and everything by a bucket of requests. Each slows down
 * after a 429 and recovers (AdaptiveShare).
 */
class PurgePacer {
    plan;
    urlsPerSecond;
    urls;
    requests;
    urlShare;
    requestShare;
    constructor(plan, now = () => performance.now(), marginMs = PACING_MARGIN_MS) {
        this.plan = plan;
        const limits = PURGE_RATE_LIMITS[plan ?? 'free'];
        this.urlsPerSecond = limits.urlsPerSecond;
        this.urls = new WindowPacer(now);
        this.urlShare = new AdaptiveShare(now, URL_QUIET_MS);
        this.requestShare = new AdaptiveShare(now);
        this.requests = new TokenBucket(withMargin(limits.requests, marginMs), now, () => this.requestShare.current());
    }
    /** Milliseconds to wait before sending a purge of this type with `count` items. */
    reserve(type, count) {
        if (type !== 'files')
            return this.requests.reserve(1);
        return this.urls.reserve(count, cutUrlRate(this.urlsPerSecond, this.urlShare.current(), count));
    }
    /** The request reserved last goes now. */
    sending(type) {
        if (type === 'files')
            this.urls.sending();
    }
    /** Gives back a reservation whose request was held back (by a pause after a 429). */
    refund(type, count) {
        if (type === 'files')
            this.urls.refund(count);
        else
            this.requests.refund(1);
    }
    /** Cloudflare answered 429 to a purge of this type, asking for a pause of `pauseMs`: slow down. */
    rateLimited(type, pauseMs) {
        if (type === 'files')
            this.urlShare.decrease(pauseMs, this.urls.sentBeforeLast() / ((this.urlsPerSecond * this.urls.windowMs) / 1000));
        else
            this.requestShare.decrease(pauseMs);
    }
    /** The share of the documented rate in force for this type. */
    share(type) {
        return (type === 'files' ? this.urlShare : this.requestShare).current();
    }
}
const STRICTEST_FIRST = ['free', 'pro', 'business', 'enterprise'];
/**
 * One pacer per account, as Cloudflare limits purges per account: every zone of an account spends one
 * budget. Which plan's figures apply to an account whose zones are on different plans is not
 * documented, so its pacer follows the strictest plan among the zones this run purges there (an unknown
 * plan counts as Free). Zones whose account could not be read share one pacer: they are most likely
 * in one account, and sharing errs on the slow side.
 */
function pacersByAccount(zones, now) {
    const accountOf = (zone) => zone?.accountId ?? 'unknown account';
    const pacers = new Map();
    return (zoneId) => {
        const account = accountOf(zones.find((z) => z.id === zoneId));
        let pacer = pacers.get(account);
        if (!pacer) {
            const plans = zones.filter((z) => accountOf(z) === account).map((z) => z.plan ?? 'free');
            const strictest = STRICTEST_FIRST.find((plan) => plans.includes(plan)) ?? 'free';
            pacers.set(account, (pacer = new PurgePacer(strictest, now)));
        }
        return pacer;
    };
}
const PLAN_NAMES = {
    free: 'Free',
    pro: 'Pro',
    business: 'Business',
    enterprise: 'Enterprise'
};
/** The limit that applies to a purge type on a plan, in words for an error message. */
function describeRateLimit(plan, type) {
    const limits = PURGE_RATE_LIMITS[plan ?? 'free'];
    const name = plan ? `${PLAN_NAMES[plan]} plan` : 'Free plan (assumed: the zone plan could not be read)';
    if (type === 'files')
        return `${name}: ${limits.urlsPerSecond.toLocaleString('en-US')} URLs per second per account`;
    const { rate, capacity } = limits.requests;
    const perUnit = rate < 1 ? `${Math.round(rate * 60)} requests per minute` : `${rate} requests per second`;
    return `${name}: ${perUnit} (bursts up to ${capacity}) for tags, hosts, prefixes and everything, per account`;
}

// EXTERNAL MODULE: ./src/purge/planner.ts
var planner = __webpack_require__(1715);
// EXTERNAL MODULE: ./src/purge/target.ts + 1 modules
var purge_target = __webpack_require__(7757);
;// CONCATENATED MODULE: ./src/purge/failures.ts










/**
 * Whether running again can purge what this error left: a 429, a 5xx, a garbled answer, the network, the
 * time or the API budget. A refused item, a permission or a zone needs a change first.
 */
function rerunFixes(error) {
    if (error instanceof failure/* NotSentError */.S || error instanceof budget/* OverBudgetError */.i_)
        return true;
    return error instanceof cloudflare_errors/* CloudflareError */.Oi && isRetryable(error);
}
function diagnoseFailures(planned, outcomes) {
    return outcomes.flatMap((outcome) => {
        if (!outcome.error)
            return [];
        const planFor = planned.find((p) => p.resolution.zone.id === outcome.batch.zoneId);
        const zone = planFor?.resolution;
        const environment = planFor?.environment?.name;
        const finding = (0,from_error/* diagnoseError */.x)(outcome.error, {
            stage: 'purge',
            zone: zone.label,
            ...(environment ? { environment } : {}),
            verified: true,
            zoneReadable: zone.readable,
            rateLimit: describeRateLimit(zone.zone.plan, outcome.batch.type),
            items: outcome.batch.items.map((item) => (typeof item === 'string' ? item : item.url))
        });
        return [{ outcome, zone, finding, rerun: rerunFixes(outcome.error) }];
    });
}
/**
 * One annotation per zone and kind of failure, counting the items it left unpurged (or not invalidated).
 * Items that Cloudflare refused one by one share one annotation per zone (each quotes its own item;
 * failed_items keeps them all).
 */
function failureAnnotations(failures, mode) {
    const { past } = (0,purge_target/* wordsFor */.tu)(mode);
    const groups = new Map();
    for (const { outcome, zone, finding } of failures) {
        const byItem = finding.id === 'purge-item-refused';
        const key = `${zone.zone.id} ${finding.id} ${byItem ? '' : finding.message}`;
        const group = groups.get(key) ?? { finding, items: 0, label: zone.label };
        group.items += (0,planner/* itemCount */.F)(outcome.batch);
        groups.set(key, group);
    }
    return [...groups.values()].map(({ finding, items, label }) => {
        const tally = { items, zone: label, past, eachOnItsOwn: finding.id === 'purge-item-refused' };
        return { ...finding, tally, message: (0,catalogue/* tallied */.mG)(tally, finding.message, door/* ACTION_DOOR */.c) };
    });
}
/** Records splits as the runner reports them: the first size refused, the last limit learnt. */
function splitRecorder() {
    const splits = [];
    return {
        splits,
        record: (split) => {
            const known = splits.find((s) => s.zoneId === split.zoneId && s.type === split.type);
            if (known)
                known.limit = split.limit;
            else
                splits.push({ ...split });
        }
    };
}
/** One warning per zone and type that was split; "nothing was lost" only when nothing of it failed. */
function splitWarnings(splits, outcomes) {
    return splits.map(({ zoneId, type, size, limit }) => {
        const lost = outcomes
            .filter((o) => o.error !== undefined && o.batch.zoneId === zoneId && o.batch.type === type)
            .reduce((n, o) => n + (0,planner/* itemCount */.F)(o.batch), 0);
        return (0,catalogue/* diagnose */.h4)('too-many-items', { type, size, limit, lost });
    });
}

// EXTERNAL MODULE: ./src/words.ts
var src_words = __webpack_require__(5846);
;// CONCATENATED MODULE: ./src/purge/progress.ts
// The progress line written every few seconds while the requests are sent: how far, how fast, and how
// long to go; when nothing finished since the last line, that it waits and for what. Pure.

function progressLine(p) {
    const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
    const head = `Progress: ${(0,src_words/* grouped */.zD)(p.done)} of ${(0,src_words/* count */.U9)(p.total, 'item')} ${p.past} or given up (${percent}%) in ${(0,src_words/* seconds */.YA)(p.elapsedMs)}`;
    if (p.done === p.doneBefore) {
        const why = p.paused
            ? 'Cloudflare answered 429 (too many requests), so every request waits the time it asked'
            : "waiting for the rate limit's next slot or for Cloudflare's answers";
        return `${head}; none in the last ${(0,src_words/* seconds */.YA)(p.sinceMs)}: ${why}`;
    }
    const perSecond = p.done / Math.max(p.elapsedMs / 1000, 0.001);
    // The time left at the slower of the two paces, overall and since the last line: a run that began with
    // a burst (a full token bucket) and is now paced would otherwise promise far too soon an end.
    const recent = (p.done - p.doneBefore) / Math.max(p.sinceMs / 1000, 0.001);
    const pace = Math.min(perSecond, recent);
    const rate = perSecond < 10 ? perSecond.toFixed(1) : (0,src_words/* grouped */.zD)(perSecond);
    const left = p.done < p.total ? `, about ${(0,src_words/* roughly */.vB)(((p.total - p.done) / pace) * 1000)} left at this pace` : '';
    return `${head}, ${rate} items a second${left}`;
}

// EXTERNAL MODULE: ./src/cloudflare/refusals.ts
var refusals = __webpack_require__(18);
;// CONCATENATED MODULE: ./src/purge/runner.ts





/** Refused requests allowed per zone and type to learn how many items Cloudflare takes in one. */
const MAX_SIZE_REFUSALS = 3;
/** Sends every batch and returns one outcome per batch sent or given up, in the order of the plan. */
function executeBatches(api, batches, options) {
    return new BatchRunner(api, batches, options).run();
}
/** One run of the batches: a queue, workers taking from it, and one method per decision on an answer. */
class BatchRunner {
    api;
    options;
    queue;
    done = [];
    zones = new Map();
    sizes = new Map();
    itemsTotal;
    itemsDone = 0;
    /** Set when Cloudflare refuses the credential itself: it ends every batch of every zone. */
    credentialRefusal;
    /** Set when the API-wide budget leaves no time for more: it ends every batch not yet sent. */
    budgetRefusal;
    stopAll = new AbortController();
    runSignal;
    /** One reservation at a time per pacer, each made when the request before it goes. */
    turns = new Map();
    running = new Set();
    /** Wakes the workers waiting for a first request to be answered. */
    wake = () => undefined;
    changed = new Promise((resolve) => (this.wake = resolve));
    constructor(api, batches, options) {
        this.api = api;
        this.options = options;
        this.queue = batches.map((batch, i) => ({ batch, order: [i] }));
        this.itemsTotal = batches.reduce((n, b) => n + (0,planner/* itemCount */.F)(b), 0);
        this.runSignal = options.signal
            ? AbortSignal.any([options.signal, this.stopAll.signal])
            : this.stopAll.signal;
    }
    async run() {
        this.startWorkers();
        while (this.running.size > 0)
            await Promise.all(this.running);
        return this.done.sort((a, b) => compareOrder(a.order, b.order)).map((d) => d.outcome);
    }
    startWorkers() {
        while (this.running.size < Math.max(1, this.options.concurrency) &&
            this.queue.length > this.running.size) {
            const w = this.worker().finally(() => this.running.delete(w));
            this.running.add(w);
        }
    }
    async worker() {
        for (;;) {
            const next = this.pick();
            if (next === 'empty')
                return;
            if (next === 'wait') {
                await this.changed;
                continue;
            }
            await this.send(next.entry, next.zoneProbe, next.sizeProbe);
        }
    }
    notify() {
        const previous = this.wake;
        this.changed = new Promise((resolve) => (this.wake = resolve));
        previous();
    }
    zoneOf(zoneId) {
        let zone = this.zones.get(zoneId);
        if (!zone)
            this.zones.set(zoneId, (zone = { state: 'untested', inFlight: new Set() }));
        return zone;
    }
    sizeOf(batch) {
        const key = `${batch.zoneId} ${batch.type}`;
        let size = this.sizes.get(key);
        if (!size)
            this.sizes.set(key, (size = { confirmed: batch.type === 'everything', probing: false, refusals: 0 }));
        return size;
    }
    refusalFor(batch) {
        return (this.credentialRefusal ??
            this.zones.get(batch.zoneId)?.refusal ??
            this.sizes.get(`${batch.zoneId} ${batch.type}`)?.refusal ??
            this.budgetRefusal);
    }
    finish(entry, outcome) {
        this.done.push({ ...entry, outcome });
        this.itemsDone += (0,planner/* itemCount */.F)(outcome.batch);
        this.options.onProgress?.(this.itemsDone, this.itemsTotal);
    }
    /** Puts batches back at the head of the queue, with workers enough to send them. */
    requeue(...entries) {
        this.queue.unshift(...entries);
        this.startWorkers();
    }
    /** The next batch that may go now; batches of a refused zone end here without a request. */
    pick() {
        const queue = this.queue;
        for (let i = 0; i < queue.length; i++) {
            const entry = queue[i];
            const { batch } = entry;
            const refusal = this.refusalFor(batch);
            if (refusal !== undefined) {
                queue.splice(i--, 1);
                this.finish(entry, { batch, error: refusal });
                continue;
            }
            const size = this.sizeOf(batch);
            if (size.limit !== undefined && batch.items.length > size.limit) {
                queue.splice(i--, 1, ...piecesOf(entry, size.limit));
                continue;
            }
            const zone = this.zoneOf(batch.zoneId);
            if (zone.state === 'probing')
                continue;
            const zoneProbe = zone.state === 'untested';
            if (!size.confirmed && size.probing)
                continue;
            const sizeProbe = !size.confirmed;
            if (zoneProbe)
                zone.state = 'probing';
            if (sizeProbe)
                size.probing = true;
            queue.splice(i, 1);
            return { entry, zoneProbe, sizeProbe };
        }
        return queue.length === 0 ? 'empty' : 'wait';
    }
    async send(entry, zoneProbe, sizeProbe) {
        const { batch } = entry;
        const zone = this.zoneOf(batch.zoneId);
        const size = this.sizeOf(batch);
        const own = new AbortController();
        zone.inFlight.add(own);
        const signal = AbortSignal.any([own.signal, this.runSignal]);
        try {
            await this.pace(batch, signal);
            const purgeId = await this.api.purge(batch.zoneId, (0,planner/* toPurgeBody */.tf)(batch), {
                beforeRetry: () => this.pace(batch, signal),
                onAttemptFailed: (failure) => {
                    if (failure.status === 429)
                        this.options.pacerFor(batch.zoneId).rateLimited?.(batch.type, failure.retryAfterMs);
                },
                signal
            });
            zone.state = 'open';
            size.confirmed = true;
            this.finish(entry, { batch, purgeId });
        }
        catch (error) {
            this.settle(entry, error, zone, size);
        }
        finally {
            zone.inFlight.delete(own);
            if (zoneProbe && zone.state === 'probing')
                zone.state = 'open';
            if (sizeProbe)
                size.probing = false;
            this.notify();
        }
    }
    /** Waits until the batch may go within every limit; throws when the deadline comes first. */
    async pace(batch, signal) {
        await this.withinBudget(batch, signal);
        try {
            await this.paceAccount(batch, signal);
        }
        catch (error) {
            this.options.globalLimit?.refund?.();
            throw error;
        }
    }
    /**
     * Waits for a request of the credential's API-wide budget. When the budget frees up only after the
     * deadline, nothing more can go: this batch and every one not yet sent end with that reason.
     */
    async withinBudget(batch, signal) {
        const limit = this.options.globalLimit;
        if (!limit)
            return;
        for (let wait = limit.reserve(); wait > 0; wait = limit.reserve()) {
            if (Date.now() + wait >= this.options.deadline) {
                this.budgetRefusal ??= limit.exhausted?.(endpointOf(batch), wait) ?? notSent(batch);
                throw this.budgetRefusal;
            }
            await sleep(wait, signal);
        }
    }
    /** Waits for the pacer of the zone's account: one reservation at a time, after any 429 pause. */
    async paceAccount(batch, signal) {
        const { options } = this;
        const pacer = options.pacerFor(batch.zoneId);
        // Each reservation is made when the request before it goes: it is paced at the rate in force when
        // it is sent, not at the rate of the moment it joined the queue (a 429 slows the pace; the recovery
        // after it speeds it up again).
        const previous = this.turns.get(pacer) ?? Promise.resolve();
        let done;
        this.turns.set(pacer, new Promise((resolve) => (done = resolve)));
        try {
            await untilAborted(previous, signal);
            for (;;) {
                await options.pause?.waitForPause(signal);
                const delay = pacer.reserve(batch.type, batch.items.length);
                if (Date.now() + delay >= options.deadline) {
                    pacer.refund?.(batch.type, batch.items.length);
                    throw notSent(batch);
                }
                if (delay > 0)
                    await sleep(delay, signal);
                // A 429 pause began while waiting: the reservation would be spent late, in a burst after it.
                if (!options.pause?.isPaused()) {
                    pacer.sending?.(batch.type, batch.items.length);
                    return;
                }
                pacer.refund?.(batch.type, batch.items.length);
            }
        }
        finally {
            // The next in line goes on when this one is sent, refused the time or cancelled: after its
            // predecessor, never before.
            void previous.then(done);
        }
    }
    /** What a failed request leads to: stop, split, isolate its refused items, or an outcome as it is. */
    settle(entry, error, zone, size) {
        const { batch } = entry;
        // Ended because its zone or the credential was refused meanwhile: that refusal is its reason.
        if (error instanceof cloudflare_errors/* CancelledError */.cc)
            return this.finish(entry, { batch, error: this.refusalFor(batch) ?? error });
        const refusal = (0,refusals/* classifyRefusal */.rN)(error, batch.items.map(itemText));
        if (refusal?.about === 'credential')
            return this.refuseCredential(entry, error);
        if (refusal?.about === 'zone')
            return this.refuseZone(entry, error, zone);
        // Cloudflare read the request: the zone is open to it, whatever it thought of the items.
        if (refusal)
            zone.state = 'open';
        if (refusal?.about === 'type') {
            size.refusal ??= error;
            return this.finish(entry, { batch, error: size.refusal });
        }
        if (refusal?.about === 'size' && batch.items.length > 1)
            return this.learnSize(entry, size, refusal.limit);
        if (refusal?.about === 'item' && batch.items.length > 1) {
            // The size was fine; the items decide.
            size.confirmed = true;
            return this.isolateItems(entry, error);
        }
        this.finish(entry, { batch, error });
    }
    /** The credential itself was refused: every batch of every zone ends with that reason. */
    refuseCredential(entry, error) {
        this.credentialRefusal ??= error;
        this.stopAll.abort();
        this.finish(entry, { batch: entry.batch, error: this.credentialRefusal });
    }
    /** The zone was refused: its requests in flight end, and its batches with that reason. */
    refuseZone(entry, error, zone) {
        zone.refusal ??= error;
        for (const request of zone.inFlight)
            request.abort();
        this.finish(entry, { batch: entry.batch, error: zone.refusal });
    }
    /** Too many items: the zone and type take the limit learnt, and the batch goes again in pieces. */
    learnSize(entry, size, stated) {
        size.refusals++;
        const limit = nextLimit(entry.batch.items.length, stated, size.refusals);
        size.limit = Math.min(limit, size.limit ?? Infinity);
        size.confirmed = false;
        this.options.onSplit?.(entry.batch, size.limit);
        this.requeue(...piecesOf(entry, size.limit));
    }
    /**
     * Refused for some of its items. The items Cloudflare's words name fail with those words, and the rest
     * goes again once; an answer that names none of them is halved until the refused items stand alone.
     */
    isolateItems(entry, error) {
        const { batch } = entry;
        const named = (0,refusals/* namedItems */.q5)(error, batch.items.map(itemText));
        if (named.size === 0) {
            const half = Math.ceil(batch.items.length / 2);
            return this.requeue({ batch: { ...batch, items: batch.items.slice(0, half) }, order: [...entry.order, 0] }, { batch: { ...batch, items: batch.items.slice(half) }, order: [...entry.order, 1] });
        }
        const rest = [];
        batch.items.forEach((item, n) => {
            const words = named.get(itemText(item));
            if (!words)
                return rest.push(item);
            const only = { ...entry, batch: { ...batch, items: [item] }, order: [...entry.order, 0, n] };
            this.finish(only, { batch: only.batch, error: narrowed(error, words) });
        });
        if (rest.length > 0)
            this.requeue({ batch: { ...batch, items: rest }, order: [...entry.order, 1] });
    }
}
/** The refusal with only the messages about one item: its reason, in Cloudflare's words. */
function narrowed(error, messages) {
    if (!(error instanceof cloudflare_errors/* CloudflareError */.Oi))
        return error;
    const one = new cloudflare_errors/* CloudflareError */.Oi({
        kind: error.kind,
        endpoint: error.endpoint,
        ...(error.status !== undefined ? { status: error.status } : {}),
        errors: messages,
        message: messages[0]?.message ?? error.message
    });
    one.attempts = error.attempts;
    return one;
}
/**
 * The size to try after the n-th refusal of a request of `size` items: the limit Cloudflare states when it
 * is smaller; otherwise the documented limit below the size (100 items since April 2025, 30 before), or
 * half, then a quarter; after the third refusal, one item per request, which always fits.
 */
function nextLimit(size, stated, refusals) {
    if (refusals >= MAX_SIZE_REFUSALS)
        return 1;
    if (stated !== undefined && stated >= 1 && stated < size)
        return stated;
    if (refusals === 1)
        return [100, 30].find((n) => n < size) ?? Math.max(1, Math.ceil(size / 2));
    return Math.max(1, Math.ceil(size / 4));
}
/** A batch cut to the limit, each piece keeping its place in the plan. */
function piecesOf(entry, limit) {
    return (0,planner/* chunk */.iv)(entry.batch.items, limit).map((items, n) => ({
        batch: { ...entry.batch, items },
        order: [...entry.order, n]
    }));
}
function itemText(item) {
    return typeof item === 'string' ? item : item.url;
}
function compareOrder(a, b) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i])
            return a[i] - b[i];
    }
    return a.length - b.length;
}
function endpointOf(batch) {
    return `POST /zones/${batch.zoneId}/purge_cache`;
}
function notSent(batch) {
    return new failure/* NotSentError */.S(endpointOf(batch));
}
/** Resolves with `promise`, or rejects with a CancelledError as soon as `signal` aborts. */
function untilAborted(promise, signal) {
    if (signal.aborted)
        return Promise.reject(new cloudflare_errors/* CancelledError */.cc());
    return new Promise((resolve, reject) => {
        const cancel = () => reject(new cloudflare_errors/* CancelledError */.cc());
        signal.addEventListener('abort', cancel, { once: true });
        promise.then(() => {
            signal.removeEventListener('abort', cancel);
            resolve();
        }, (error) => {
            signal.removeEventListener('abort', cancel);
            reject(error);
        });
    });
}

;// CONCATENATED MODULE: ./src/purge/send.ts








/** Requests in flight at once. */
const CONCURRENCY = 8;
const PROGRESS_EVERY_MS = 5000;
/** Sends every planned request and returns one outcome per request, in the order of the plan. */
async function sendPlan(api, planned, options) {
    const sentBefore = api.http.requestCount;
    // Every zone of an account shares one purge budget at Cloudflare.
    const pacerFor = pacersByAccount(planned.map((p) => p.resolution.zone));
    const words = (0,purge_target/* wordsFor */.tu)(options.mode);
    const batches = planned.flatMap((p) => p.batches);
    const started = Date.now();
    const total = batches.reduce((n, b) => n + (0,planner/* itemCount */.F)(b), 0);
    let done = 0;
    let doneBefore = 0;
    let lastLine = started;
    // A timer, not a callback per batch: a run held up by the rate limit still says how far it got.
    const report = options.progress ?? options.log;
    const progress = setInterval(() => {
        const now = Date.now();
        const paused = api.http.isPaused();
        const snapshot = { done, total, elapsedMs: now - started, doneBefore, sinceMs: now - lastLine, paused };
        report(progressLine({ ...snapshot, past: words.past }));
        doneBefore = done;
        lastLine = now;
    }, options.progressEveryMs ?? PROGRESS_EVERY_MS);
    progress.unref();
    let outcomes;
    try {
        // Each zone's batches go to its endpoint: purge_cache or invalidate_cache, of the zone or its environment.
        const target = (0,purge_target/* targetedApi */.bS)(api, (0,purge_target/* targetsFor */.Y$)(options.mode ?? 'purge', (0,purge_target/* environmentsOf */.M2)(planned)));
        outcomes = await executeBatches(withBudgetTaken(target), batches, {
            concurrency: CONCURRENCY,
            pacerFor,
            globalLimit: budgetLimit(api),
            pause: api.http,
            deadline: options.deadline,
            onProgress: (itemsDone) => (done = itemsDone),
            onSplit: (batch, limit) => options.onSplit({ zoneId: batch.zoneId, type: batch.type, size: batch.items.length, limit })
        });
    }
    finally {
        clearInterval(progress);
    }
    // The requests that went out, retries and resends included, as the client counted them.
    const sent = api.http.requestCount - sentBefore;
    const accepted = outcomes.filter((o) => o.purgeId).length;
    const took = (0,src_words/* seconds */.YA)(Date.now() - started);
    options.log(`${(0,src_words/* count */.U9)(sent, words.request)} sent, ${(0,src_words/* grouped */.zD)(accepted)} accepted, in ${took}${stopWords(outcomes)}`);
    return { outcomes, sent };
}
/** What stopped the run before every request went, in a few words for the log; empty when nothing did. */
function stopWords(outcomes) {
    const unsent = (is) => outcomes.filter((o) => is(o.error)).reduce((n, o) => n + (0,planner/* itemCount */.F)(o.batch), 0);
    const overBudget = unsent((e) => e instanceof budget/* OverBudgetError */.i_);
    const late = unsent((e) => e instanceof failure/* NotSentError */.S);
    const parts = [
        ...(overBudget > 0 ? [`${(0,src_words/* count */.U9)(overBudget, 'item')} held back by Cloudflare's API request limit`] : []),
        ...(late > 0 ? [`${(0,src_words/* count */.U9)(late, 'item')} not sent before the \`timeout\` ran out`] : [])
    ];
    return parts.length > 0 ? `; stopped: ${parts.join(', ')}` : '';
}
/** The runner takes a request of the client's budget before each attempt (budgetLimit): the client need not. */
function withBudgetTaken(api) {
    return { purge: (zoneId, body, options) => api.purge(zoneId, body, { ...options, budgeted: true }) };
}
/** The credential's API-wide budget as the runner uses it: what it leaves no time for is not sent. */
function budgetLimit(api) {
    const budget = api.http.budget;
    return {
        reserve: () => budget.reserve(),
        refund: () => budget.refund(),
        exhausted: (endpoint) => budget.heldBack(endpoint)
    };
}

// EXTERNAL MODULE: ./src/report/result.ts
var result = __webpack_require__(5781);
// EXTERNAL MODULE: ./src/report/summary.ts + 2 modules
var summary = __webpack_require__(7128);
// EXTERNAL MODULE: ./src/inputs/items.ts
var items = __webpack_require__(7477);
;// CONCATENATED MODULE: ./src/verify/candidates.ts
// Which URLs the edge check may request: those of the accepted URL purges, and `verify_urls`. Pure.

/** The URLs purged by accepted requests, then `verify_urls` (when any request was accepted), each once. */
function edgeCandidates(requests, verifyUrls) {
    const accepted = requests.filter((r) => r.purgeId !== undefined);
    if (accepted.length === 0)
        return [];
    const purged = accepted
        .filter((r) => r.batch.type === 'files')
        .flatMap((r) => r.batch.items.map((item) => (typeof item === 'string' ? { url: item } : item)));
    return (0,items/* dedupe */.Qq)([...purged, ...verifyUrls], items/* fileKey */.wm);
}

// EXTERNAL MODULE: ./src/verify/verdict.ts
var verdict = __webpack_require__(3156);
;// CONCATENATED MODULE: ./src/verify/edge-client.ts
// GET requests where visitors make them: at the edge, through the same proxy settings as the API
// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), never following a redirect, reading only the status and headers.
// They are not API calls: nothing here counts against Cloudflare's API limits.



/** How long one edge request may take before it counts as unanswered. */
const EDGE_REQUEST_MS = 10_000;
/** Body bytes read at most, to keep the connection; past that it is closed instead. */
const BODY_DRAIN_BYTES = 64 * 1024;
class EdgeClient {
    options;
    /** One dispatcher per proxy (and one for direct connections), made when first needed. */
    dispatchers = new Map();
    requestCount = 0;
    constructor(options) {
        this.options = options;
    }
    /** One GET of the item's URL with its cache-key headers; never throws. */
    async get(item) {
        const left = this.options.deadline - Date.now();
        if (left <= 0)
            return { error: 'the time allowed by `timeout` ran out first' };
        const timeout = Math.max(1, Math.floor(Math.min(left, this.options.requestTimeoutMs ?? EDGE_REQUEST_MS)));
        this.requestCount++;
        try {
            const answer = await (0,undici/* request */.Em)(item.url, {
                method: 'GET',
                headers: { ...item.headers, 'user-agent': this.options.userAgent, accept: '*/*' },
                dispatcher: this.dispatcherFor(item.url),
                signal: AbortSignal.timeout(timeout)
            });
            // Only the headers matter: a small body is drained so the connection can serve the next request,
            // a bigger one is cut off rather than downloaded.
            await answer.body.dump({ limit: BODY_DRAIN_BYTES }).catch(() => undefined);
            return { status: answer.statusCode, ...(0,verdict/* readCacheHeaders */.Pl)(answer.headers) };
        }
        catch (error) {
            return { error: describeEdgeError(error, timeout) };
        }
    }
    async close() {
        await Promise.all([...this.dispatchers.values()].map((d) => d.close().catch(() => undefined)));
    }
    dispatcherFor(url) {
        const { proxy } = (0,cloudflare_proxy/* chooseProxy */.UR)(url, this.options.env ?? process.env);
        const http = url.startsWith('http:');
        const key = proxy ? `${http ? 'http' : 'https'} ${proxy.href}` : 'direct';
        let dispatcher = this.dispatchers.get(key);
        if (!dispatcher) {
            const options = { keepAliveTimeout: 4_000, connections: 8 };
            // Plain http goes to the proxy as an absolute-form request, as curl sends it; https through CONNECT.
            dispatcher = proxy
                ? new undici/* ProxyAgent */.kT({ ...options, uri: proxy.href, proxyTunnel: !http })
                : new undici/* Agent */.g6(options);
            this.dispatchers.set(key, dispatcher);
        }
        return dispatcher;
    }
}
/** Why an edge request had no answer, in a few words. */
function describeEdgeError(error, timeoutMs) {
    const err = error;
    const code = err.code ?? err.cause?.code;
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
        return `no answer within ${timeoutMs} ms`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        return 'its host name could not be resolved (DNS)';
    if (code === 'ECONNREFUSED')
        return 'the connection was refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
        return 'the connection was reset';
    if (typeof code === 'string' && /CERT|SSL|TLS/.test(code))
        return `its TLS certificate was refused (${code})`;
    return err.message ?? String(error);
}
/** Runs `work` on every item with at most `limit` at once; the results in the items' order. */
async function eachLimited(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

;// CONCATENATED MODULE: ./src/verify/check.ts


/** Edge requests in flight at once. */
const EDGE_CONCURRENCY = 8;
/**
 * A purge reaches every data centre in well under a second at the median (Cloudflare's "Instant Purge",
 * https://blog.cloudflare.com/instant-purge/), so a stale answer is asked again once after this wait.
 */
const RECHECK_AFTER_MS = 1000;
async function checkAtEdge(options) {
    const now = options.now ?? Date.now;
    const chosen = (0,verdict/* sample */.XM)(options.items, options.limit, options.random);
    const checkOne = async (item) => {
        const answer = await options.get(item);
        return { item, ...(0,verdict/* verdictOf */.Vj)(answer, (now() - options.acceptedAt) / 1000) };
    };
    let checks = await eachLimited(chosen, EDGE_CONCURRENCY, checkOne);
    checks = await recheckStale(checks, checkOne, options, now);
    const warmed = options.warm ? await warm(checks, options.get) : undefined;
    return {
        candidates: options.items.length,
        limit: options.limit,
        checks,
        counts: (0,verdict/* countVerdicts */.qX)(checks),
        ...(warmed !== undefined ? { warmed } : {})
    };
}
/** A stale answer may come from a data centre the purge had not reached yet: asked once more, a moment later. */
async function recheckStale(checks, checkOne, options, now) {
    const stale = checks.filter((c) => c.verdict === 'stale');
    const wait = options.recheckAfterMs ?? RECHECK_AFTER_MS;
    if (stale.length === 0 || now() + wait >= options.deadline)
        return checks;
    await (options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))))(wait);
    const again = await eachLimited(stale, EDGE_CONCURRENCY, (c) => checkOne(c.item));
    const byItem = new Map(stale.map((c, i) => [c, again[i]]));
    return checks.map((c) => byItem.get(c) ?? c);
}
/** Requests each URL that was fresh but not a cached copy once more; returns how many answered. */
async function warm(checks, get) {
    const wanted = checks.filter(verdict/* wantsWarming */.D0);
    const answers = await eachLimited(wanted, EDGE_CONCURRENCY, (c) => get(c.item));
    let warmed = 0;
    for (const [i, check] of wanted.entries()) {
        if ('error' in answers[i])
            continue;
        check.warmed = true;
        warmed++;
    }
    return warmed;
}

// EXTERNAL MODULE: ./src/verify/findings.ts
var findings = __webpack_require__(3271);
// EXTERNAL MODULE: ./src/verify/words.ts
var words = __webpack_require__(9500);
;// CONCATENATED MODULE: ./src/engine.ts
// The engine: from validated settings to one RunResult, without the Actions toolkit. The action
// (src/main.ts) calls it, and so can a command line; each edge turns the result into what its user sees.
// Order of work: add the changed files' URLs → verify the credential and find the zones → assign the
// items to their zones → plan the requests → find the Version Management environment in each zone (when
// one is named) → send them (or, on a dry run, show the plan) → sum up.




















/**
 * Purges (or invalidates) what the settings ask for, or plans it on a dry run, and returns what happened;
 * never throws.
 */
async function purgeCache(settings, options, reporter) {
    const result = await run(settings, options, reporter);
    return settings.mode ? { ...result, mode: settings.mode } : result;
}
async function run(settings, options, reporter) {
    const startedAt = options.startedAt ?? Date.now();
    const purge = options.changes ? (0,request/* withChangedUrls */.vb)(settings.purge, options.changes.urls) : settings.purge;
    const requested = {
        zones: settings.zones,
        purge,
        dryRun: settings.dryRun,
        ...(settings.mode ? { mode: settings.mode } : {})
    };
    // A changed file whose URL fails the checks a URL in `files` passes is left out, said, and the others go on.
    reporter.findings(options.changes?.errors ?? []);
    if ((0,request/* isEmptyPurge */.Nk)(purge)) {
        if (options.changes) {
            const { range, files } = options.changes;
            reporter.findings([(0,catalogue/* diagnose */.h4)('nothing-changed', { range, count: files })]);
        }
        return (0,result/* emptyRun */.dl)('nothing-to-purge', startedAt);
    }
    const noZone = (0,request/* zoneMissing */.nd)(settings.zones, purge);
    if (noZone)
        return stopRun(new failure/* DiagnosedFailure */.B([noZone]), reporter, startedAt, requested);
    const http = new CloudflareHttpClient({
        apiUrl: settings.apiUrl,
        credential: settings.credential,
        deadline: startedAt + settings.timeoutMs,
        userAgent: options.userAgent,
        onRetry: (r) => reporter.info(`Retrying ${r.endpoint} in ${(0,src_words/* seconds */.YA)(r.delayMs)} (attempt ${r.attempt} failed: ${r.reason})`),
        onWarning: (w) => reporter.findings([(0,catalogue/* diagnose */.h4)('success-with-errors', w)])
    });
    const { from, note } = http.proxyChoice;
    if (from)
        reporter.info(http.proxy ? `Proxy: ${http.proxy} (from ${from})` : `Proxy: none (${note})`);
    const apiRequests = () => ({
        total: http.requestCount,
        rateLimited: http.rateLimitedCount
    });
    try {
        const result = await purgeWith(new CloudflareApi(http), settings, purge, startedAt, reporter);
        const verify = await verifyAtEdge(settings, result, options.userAgent, reporter);
        return { ...result, apiRequests: apiRequests(), ...(verify ? { verify } : {}) };
    }
    catch (error) {
        return { ...stopRun(error, reporter, startedAt, requested), apiRequests: apiRequests() };
    }
    finally {
        reporter.debug(`${(0,src_words/* grouped */.zD)(http.requestCount)} API requests, ${(0,src_words/* grouped */.zD)(http.rateLimitedCount)} answered 429`);
        await http.close();
    }
}
/**
 * With `verify`, after an accepted purge: the purged URLs (and `verify_urls`) requested at the edge, each
 * answer read into a verdict and reported. Within `timeout`, outside the API's request budget.
 */
async function verifyAtEdge(settings, result, userAgent, reporter) {
    const wanted = settings.verify;
    if (!wanted || result.status !== 'purged')
        return undefined;
    const items = edgeCandidates(result.zones.flatMap((z) => z.requests), wanted.urls);
    if (items.length === 0)
        return undefined;
    const deadline = result.timings.startedAt + settings.timeoutMs;
    const client = new EdgeClient({ userAgent, deadline });
    // The earliest moment Cloudflare can have accepted the purge: a copy cached since then is a new one.
    const acceptedAt = result.timings.purgeStartedAt ?? result.timings.startedAt;
    try {
        const verified = await reporter.group('At the edge', async () => {
            const found = await checkAtEdge({
                items,
                limit: wanted.limit,
                warm: wanted.warm,
                acceptedAt,
                deadline,
                get: (i) => client.get(i)
            });
            for (const line of (0,words/* describeEdgeCheck */.xb)(found))
                reporter.info(line);
            return found;
        });
        reporter.findings((0,findings/* edgeFindings */.g)(verified));
        return verified;
    }
    finally {
        reporter.debug(`${client.requestCount} edge requests (not API calls)`);
        await client.close();
    }
}
/** Reports what stopped the run before purging, and returns a result listing every requested item as not purged. */
function stopRun(error, reporter, startedAt, requested) {
    let findings;
    if (error instanceof failure/* DiagnosedFailure */.B)
        findings = error.findings;
    else {
        // Unexpected: explained in one line; the stack goes to the debug log only.
        reporter.debug(error instanceof Error ? (error.stack ?? error.message) : String(error));
        findings = [(0,from_error/* diagnoseError */.x)(error, { stage: 'purge' })];
    }
    reporter.findings(findings);
    return (0,result/* stoppedRun */.Ps)(findings, startedAt, requested);
}
async function purgeWith(api, settings, purge, startedAt, reporter) {
    const info = (line) => reporter.info(line);
    const access = await reporter.group('Credential and zone', () => checkAccess(api, settings, purge, info));
    const notes = [...access.verification.notes, ...access.zones.flatMap((z) => z.notes)];
    reporter.findings(notes);
    const wider = widerThanNamed(settings.zones, access.zones, purge);
    if (wider.some((f) => f.severity === 'error'))
        throw new failure/* DiagnosedFailure */.B(wider);
    reporter.findings(wider);
    const ownZones = access.ownZones.map((z) => z.zone);
    const assignment = assignToZones(purge, access.zones.map((z) => z.zone), ownZones);
    reporter.findings([...assignment.warnings, ...ownZoneNotices(assignment.work, ownZones)]);
    if (assignment.errors.length > 0)
        throw new failure/* DiagnosedFailure */.B(assignment.errors);
    reporter.findings(assignment.refused);
    const resolutions = [...access.zones, ...access.ownZones];
    reporter.findings((0,planner/* batchSizeFindings */.ie)(assignment.work.map((w) => w.zone), settings.batchSize));
    let planned = assignment.work.map(({ zone, purge: part }) => ({
        resolution: resolutions.find((z) => z.zone.id === zone.id),
        batches: (0,planner/* planBatches */.un)(zone.id, part, (0,planner/* limitsForPlan */.FF)(zone.plan, settings.batchSize))
    }));
    const { owner, tokenId } = access.verification;
    const verified = { credential: { owner, ...(tokenId ? { tokenId } : {}) }, notes };
    const mode = settings.mode ?? 'purge';
    const wanted = settings.environment;
    // Before the dry run, so that it shows the environment each zone's requests would go to.
    if (wanted) {
        const zones = planned;
        planned = await reporter.group('Environment', () => (0,purge_target/* findEnvironments */.Ok)(api, zones, { wanted, mode }, info));
    }
    if (settings.dryRun) {
        await reporter.group('Plan (dry run)', async () => logPlan(planned, mode, info));
        const zones = zoneRuns(planned);
        // Outside the group, where a reader sees it: what passing a dry run does not promise.
        for (const line of (0,summary/* dryRunLimits */.Ts)({ mode, zones, ...verified }))
            info(line);
        return { ...summed('planned', zones, startedAt), ...verified };
    }
    const words = (0,purge_target/* wordsFor */.tu)(mode);
    const purgeStarted = Date.now();
    const { splits, record } = splitRecorder();
    const { outcomes, sent } = await reporter.group(words.Verb, () => sendPlan(api, planned, {
        deadline: startedAt + settings.timeoutMs,
        log: info,
        progress: (line) => (reporter.progress ? reporter.progress(line) : info(line)),
        ...(reporter.progressEveryMs ? { progressEveryMs: reporter.progressEveryMs } : {}),
        onSplit: record,
        mode
    }));
    const purgeMs = Date.now() - purgeStarted;
    // Once the outcomes are known, a split can say whether anything was lost.
    reporter.findings(splitWarnings(splits, outcomes));
    const failures = diagnoseFailures(planned, outcomes);
    reporter.findings(failureAnnotations(failures, mode));
    const result = summed('purged', zoneRuns(planned, { outcomes, failures, notSent: assignment.notSent }), startedAt);
    if (result.failed.length === 0)
        info(`${words.Past} ${(0,src_words/* count */.U9)(result.purgedCount, 'item')} in ${(0,src_words/* seconds */.YA)(result.timings.totalMs)}`);
    return {
        ...result,
        ...verified,
        requestsSent: sent,
        timings: { ...result.timings, purgeMs, purgeStartedAt: purgeStarted }
    };
}
/** Each zone with its requests: as sent, with their purge IDs or reasons, or (on a dry run) as planned. */
function zoneRuns(planned, sent) {
    const failures = new Map(sent?.failures.map((f) => [f.outcome, f]));
    const causeOf = ({ finding, rerun }) => ({
        title: finding.title,
        rerun,
        ...(finding.id === 'purge-item-refused' ? { perItem: true } : {})
    });
    return planned.map(({ resolution: { zone, label }, batches, environment }) => ({
        id: zone.id,
        name: zone.name,
        label,
        plan: zone.plan,
        ...(environment ? { environment } : {}),
        requests: sent
            ? [
                ...sent.outcomes
                    .filter((o) => o.batch.zoneId === zone.id)
                    .map((o) => {
                    const failure = failures.get(o);
                    return failure
                        ? { batch: o.batch, reason: failure.finding.message, cause: causeOf(failure) }
                        : { batch: o.batch, purgeId: o.purgeId };
                }),
                // Items known to be refused, never sent: listed as not purged, with the reason; a rerun does not help.
                ...sent.notSent
                    .filter((n) => n.zone.id === zone.id)
                    .map((n) => ({
                    batch: { zoneId: zone.id, type: 'files', items: n.files },
                    reason: n.reason,
                    cause: { title: catalogue/* catalogue */.sW['outside-zone-refused'].title, rerun: false }
                }))
            ]
            : batches.map((batch) => ({ batch }))
    }));
}
function summed(status, zones, startedAt) {
    return { ...(0,result/* emptyRun */.dl)(status, startedAt), zones, ...(0,result/* totals */.Sd)(zones) };
}
function logPlan(planned, mode, info) {
    const words = (0,purge_target/* wordsFor */.tu)(mode);
    for (const { resolution, batches, environment } of planned) {
        const where = environment
            ? `${resolution.label}, environment ${(0,purge_target/* describeEnvironment */.NE)(environment)}`
            : resolution.label;
        for (const [i, batch] of batches.entries()) {
            info(`Request ${i + 1} on ${where}: ${words.verb} ${(0,src_words/* countOf */.pq)(batch.type, batch.items.length)}`);
        }
    }
    const batches = planned.flatMap((p) => p.batches);
    const items = batches.reduce((n, b) => n + (0,planner/* itemCount */.F)(b), 0);
    info(`Dry run: ${(0,src_words/* count */.U9)(items, 'item')} in ${(0,src_words/* count */.U9)(batches.length, 'request')} would be ${words.past}; nothing was sent`);
}


/***/ })

};
