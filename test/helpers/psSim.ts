/**
 * A simulated Exchange Online tenant that runs the generator's scripts (PowerShell is not on these
 * machines). It knows exactly the statements the generator writes — assignments, hashtables
 * splatted into Get-/Set-/New-/Remove- of outbound connectors and transport rules, if/else and
 * foreach over names — and throws on anything else, so a script that strays from that plain
 * subset fails. Cmdlets behave as Exchange's do where it matters here: New- of an existing name,
 * Set- or Remove- of a missing one, are errors (the script runs with ErrorAction Stop).
 */
type Value = string | boolean | string[];
type Params = Record<string, Value>;

export interface Tenant {
  connectors: Map<string, Params>;
  rules: Map<string, Params>;
}

export interface Call {
  cmdlet: string;
  /** Every parameter name given: on the line and in the splatted hashtable. */
  parameters: string[];
  params: Params;
}

export function emptyTenant(): Tenant {
  return { connectors: new Map(), rules: new Map() };
}

export function cloneTenant(t: Tenant): Tenant {
  const copy = (m: Map<string, Params>) =>
    new Map([...m].map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as Params]));
  return { connectors: copy(t.connectors), rules: copy(t.rules) };
}

/** The tenant as plain data, for comparing two states. */
export function snapshot(t: Tenant): unknown {
  const plain = (m: Map<string, Params>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { connectors: plain(t.connectors), rules: plain(t.rules) };
}

class ScriptError extends Error {}

function unquote(s: string): string {
  const m = /^'((?:[^'\u2018\u2019\u201a\u201b]|['\u2018\u2019\u201a\u201b]{2})*)'$/.exec(s.trim());
  if (!m) throw new ScriptError(`not a single-quoted string: ${s}`);
  return m[1].replace(/(['\u2018\u2019\u201a\u201b])\1/g, "$1");
}

/**
 * Runs `script` against `tenant` (changed in place) and returns the cmdlet calls made. With
 * `uncomment`, hashtable entries that are commented out (`# SmtpDaneMode = 'Mandatory'`) count, as
 * if the administrator had removed the #.
 */
export function runScript(script: string, tenant: Tenant, opts: { uncomment?: boolean } = {}): Call[] {
  const lines = script
    .replace(/^\ufeff/, "")
    .split(/\r\n/)
    .map((l) => l.replace(/\s+$/, ""));
  if (lines.some((l) => l.includes("\n"))) throw new ScriptError("a bare LF: lines end in CRLF");
  const vars: Record<string, Value> = {};
  const calls: Call[] = [];
  let i = 0;

  const value = (raw: string): Value => {
    const s = raw.trim();
    if (s === "$true") return true;
    if (s === "$false") return false;
    if (s.startsWith("@(")) {
      const inner = s.slice(2, -1).trim();
      if (!s.endsWith(")")) throw new ScriptError(`unclosed array: ${s}`);
      return inner === "" ? [] : inner.split(/,\s*/).map(unquote);
    }
    if (s.startsWith("$")) {
      const v = vars[s.slice(1)];
      if (v === undefined) throw new ScriptError(`unset variable ${s}`);
      return v;
    }
    return unquote(s);
  };

  /** A value that may span lines: `@(` … `)`. */
  const readValue = (first: string): Value => {
    if (first.trim() !== "@(") return value(first);
    const items: string[] = [];
    while (lines[++i].trim() !== ")" && !lines[i].trim().startsWith(")"))
      items.push(lines[i].trim().replace(/,$/, ""));
    return items.map(unquote);
  };

  const hashtable = (): Params => {
    const out: Params = {};
    for (i++; lines[i].trim() !== "}"; i++) {
      const line = lines[i].trim();
      const commented = /^#\s*(\w+)\s*=\s*(.+)$/.exec(line);
      if (line.startsWith("#")) {
        if (commented && opts.uncomment) out[commented[1]] = value(commented[2]);
        continue;
      }
      const m = /^(\w+)\s*=\s*(.+)$/.exec(line);
      if (!m) throw new ScriptError(`not a hashtable entry: ${line}`);
      out[m[1]] = readValue(m[2]);
    }
    return out;
  };

  const cmdlet = (line: string) => {
    const m = /^(New|Set|Get|Remove)-(OutboundConnector|TransportRule)((?:\s+\S+)*)$/.exec(line);
    if (!m) throw new ScriptError(`not a cmdlet call: ${line}`);
    const name = `${m[1]}-${m[2]}`;
    const tokens = m[3].trim().split(/\s+/).filter(Boolean);
    const params: Params = {};
    const parameters: string[] = [];
    for (let k = 0; k < tokens.length; k++) {
      const tok = tokens[k];
      if (tok.startsWith("@")) {
        const splat = vars[tok.slice(1)] as unknown as Params | undefined;
        if (!splat || typeof splat !== "object" || Array.isArray(splat))
          throw new ScriptError(`not a hashtable: ${tok}`);
        for (const [k2, v] of Object.entries(splat)) {
          parameters.push(k2);
          params[k2] = v;
        }
      } else if (tok.startsWith("-")) {
        const [p, inline] = tok.slice(1).split(":");
        parameters.push(p);
        params[p] = inline !== undefined ? value(inline) : value(tokens[++k]);
      } else throw new ScriptError(`stray token ${tok} in ${line}`);
    }
    calls.push({ cmdlet: name, parameters, params });
    const store = m[2] === "OutboundConnector" ? tenant.connectors : tenant.rules;
    const { Identity, Name, Confirm, ...rest } = params;
    if (m[1] === "New") {
      if (typeof Name !== "string") throw new ScriptError(`${name} without -Name`);
      if (Name.length > 64) throw new ScriptError(`${name}: Name longer than 64 characters`);
      if ([...store.keys()].some((k) => k.toLowerCase() === Name.toLowerCase()))
        throw new ScriptError(`${name}: "${Name}" already exists`);
      store.set(Name, rest);
    } else if (m[1] === "Set") {
      if (typeof Identity !== "string" || !store.has(Identity))
        throw new ScriptError(`${name}: no "${Identity}"`);
      store.set(Identity, { ...store.get(Identity), ...rest });
    } else if (m[1] === "Remove") {
      if (Confirm !== false) throw new ScriptError(`${name} would stop to ask: give -Confirm:$false`);
      if (typeof Identity !== "string" || !store.delete(Identity))
        throw new ScriptError(`${name}: no "${Identity}"`);
    }
  };

  const condition = (c: string): boolean => {
    let m = /^-not \(Get-Command -Name (\S+) -ErrorAction SilentlyContinue\)$/.exec(c);
    if (m) return false; // connected
    m = /^\$(\w+) -contains \$(\w+)$/.exec(c);
    if (m) {
      const list = vars[m[1]];
      const item = vars[m[2]];
      if (!Array.isArray(list) || typeof item !== "string") throw new ScriptError(`bad -contains: ${c}`);
      return list.some((x) => x.toLowerCase() === item.toLowerCase());
    }
    m = /^\$(\w+)\.StartsWith\(('.*')\) -and \$(\w+) -notcontains \$(\w+)$/.exec(c);
    if (m) {
      const s = vars[m[1]];
      const list = vars[m[3]];
      if (typeof s !== "string" || !Array.isArray(list)) throw new ScriptError(`bad condition: ${c}`);
      return s.startsWith(unquote(m[2])) && !list.some((x) => x.toLowerCase() === s.toLowerCase());
    }
    throw new ScriptError(`unknown condition: ${c}`);
  };

  /** Runs (or, with run=false, skips) statements up to the closing brace; returns that line. */
  const block = (run: boolean): string => {
    for (i++; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "" || line.startsWith("#")) continue;
      if (line === "}" || line === "} else {") return line;
      let m: RegExpExecArray | null;
      if ((m = /^if \((.+)\) \{$/.exec(line))) {
        const yes = run && condition(m[1]);
        const end = block(yes);
        if (end === "} else {") {
          if (block(run && !yes) !== "}") throw new ScriptError("else without its end");
        }
        continue;
      }
      if ((m = /^foreach \(\$(\w+) in (.+)$/.exec(line))) {
        let list: Value;
        if (m[2] === "@(") {
          const items: string[] = [];
          while (!lines[++i].trim().startsWith(")")) items.push(lines[i].trim().replace(/,$/, ""));
          if (lines[i].trim() !== ")) {") throw new ScriptError(`bad foreach: ${lines[i]}`);
          list = items.map(unquote);
        } else if (m[2].endsWith(") {")) list = value(m[2].slice(0, -3));
        else throw new ScriptError(`bad foreach: ${line}`);
        if (!Array.isArray(list)) throw new ScriptError(`foreach over a non-list: ${line}`);
        const start = i;
        for (const item of run ? [...list] : []) {
          i = start;
          vars[m[1]] = item;
          if (block(true) !== "}") throw new ScriptError("foreach without its end");
        }
        i = start;
        if (block(false) !== "}") throw new ScriptError("foreach without its end");
        continue;
      }
      if (!run) {
        if (/^\$\w+ = @\{$/.test(line)) hashtable();
        else if (/^\$\w+ = @\($/.test(line)) readValue("@(");
        continue;
      }
      if ((m = /^\$(\w+) = @\{$/.exec(line))) {
        vars[m[1]] = hashtable() as unknown as Value;
        continue;
      }
      if (
        (m =
          /^\$(\w+) = @\((Get-OutboundConnector|Get-TransportRule) \| ForEach-Object \{ \$_\.Name \}\)$/.exec(
            line,
          ))
      ) {
        cmdlet(m[2]);
        vars[m[1]] = [...(m[2] === "Get-OutboundConnector" ? tenant.connectors : tenant.rules).keys()];
        continue;
      }
      if ((m = /^\$ErrorActionPreference = 'Stop'$/.exec(line))) continue;
      if ((m = /^\$(\w+) = (.+)$/.exec(line))) {
        vars[m[1]] = readValue(m[2]);
        continue;
      }
      if ((m = /^throw (.+)$/.exec(line))) throw new ScriptError(`the script stopped: ${unquote(m[1])}`);
      if ((m = /^Write-Output (.+)$/.exec(line))) {
        unquote(m[1]);
        continue;
      }
      cmdlet(line);
    }
    return "";
  };

  i = -1;
  if (block(true) !== "") throw new ScriptError(`unbalanced braces near line ${i + 1}`);
  return calls;
}
