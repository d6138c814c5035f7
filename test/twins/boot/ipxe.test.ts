/**
 * The twin's iPXE subset: the three scripts of docs/provisioning.md run as a
 * real iPXE would, and everything outside the subset is refused with the line
 * and a fix. Fuzzed: any text gives a result or a BootScriptError, nothing else.
 *
 * Run: npx vitest run test/twins/boot
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BootScriptError, followIpxeChain, parseIpxeScript, runIpxeScript, type IpxeRun } from '../../../twins/index.js';

const B = 'http://127.64.255.254:8080';
const MAC = '52:54:00:12:34:56';
const vars = { mac: MAC };

const run = (text: string, source = `${B}/boot/ipxe?mac=${MAC}`): IpxeRun => runIpxeScript(parseIpxeScript(text, source, vars));

function refusal(text: string): BootScriptError {
  try {
    run(text);
  } catch (error) {
    if (error instanceof BootScriptError) return error;
    throw error;
  }
  throw new Error('expected the script to be refused');
}

describe('the scripts of docs/provisioning.md', () => {
  it('discover: boots the discovery kernel with its drill.* arguments and prints the echo', () => {
    const result = run(`#!ipxe
echo drill: discovery boot for ${MAC}
kernel ${B}/images/discovery/vmlinuz initrd=initrd.img drill.stage=discover drill.boot=${B} drill.mac=${MAC}
initrd ${B}/images/discovery/initrd.img
boot
`);
    expect(result.console).toEqual([`drill: discovery boot for ${MAC}`]);
    expect(result.outcome.kind).toBe('boot');
    if (result.outcome.kind !== 'boot') return;
    expect(result.outcome.kernel.url).toBe(`${B}/images/discovery/vmlinuz`);
    expect(Object.fromEntries(result.outcome.kernel.args)).toEqual({ initrd: 'initrd.img', 'drill.stage': 'discover', 'drill.boot': B, 'drill.mac': MAC });
    expect(result.outcome.initrd).toBe(`${B}/images/discovery/initrd.img`);
  });

  it('local: exit hands back to the firmware, and commands after it never run', () => {
    expect(run('#!ipxe\r\n# installed\r\n\r\necho drill: boot from disk\r\nexit\r\nfrobnicate\r\n')).toEqual({ outcome: { kind: 'exit' }, console: ['drill: boot from disk'] });
  });

  it('bootstrap: chain expands ${net0/mac} and resolves against the script URL', () => {
    const result = run('#!ipxe\nchain /boot/ipxe?mac=${net0/mac}\n', `${B}/boot/ipxe`);
    expect(result.outcome).toEqual({ kind: 'chain', url: `${B}/boot/ipxe?mac=${MAC}`, line: 2 });
  });

  it('follows the bootstrap chain to the per-MAC script, fetching each once', async () => {
    const served: Record<string, string> = {
      [`${B}/boot/ipxe`]: `#!ipxe\nchain ${B}/boot/ipxe?mac=\${mac}\n`,
      [`${B}/boot/ipxe?mac=${MAC}`]: '#!ipxe\necho local\nexit\n',
    };
    const printed: string[] = [];
    const result = await followIpxeChain({ url: `${B}/boot/ipxe`, vars, fetchScript: async (url) => served[url] ?? '', onConsole: (line) => printed.push(line) });
    expect(result).toEqual({ outcome: { kind: 'exit' }, scripts: [`${B}/boot/ipxe`, `${B}/boot/ipxe?mac=${MAC}`] });
    expect(printed).toEqual(['local']);
  });

  it('gives up on a chain that loops, naming the chain line', async () => {
    const error = await followIpxeChain({ url: `${B}/loop`, vars, maxChains: 3, fetchScript: async () => '#!ipxe\necho again\nchain /loop\n' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootScriptError);
    expect((error as BootScriptError).line).toBe(3);
    expect((error as BootScriptError).message).toMatch(/past the limit of 3 — end the chain with boot or exit/);
  });
});

describe('outside the subset: refused with the line, the problem and a fix', () => {
  const cases: Array<{ what: string; text: string; line: number; says: RegExp }> = [
    { what: 'a script without #!ipxe', text: 'kernel http://x/vmlinuz\nboot\n', line: 1, says: /not an iPXE script .* — start the script with the line #!ipxe/ },
    { what: 'an unknown command', text: '#!ipxe\n\nsanboot iscsi:1.2.3.4\n', line: 3, says: /unknown command "sanboot" — the twin runs echo, kernel, initrd, boot, chain, exit/ },
    { what: 'boot without a kernel', text: '#!ipxe\ninitrd http://x/initrd\nboot\n', line: 3, says: /boot without a kernel/ },
    { what: 'an unknown variable', text: '#!ipxe\necho ${net0/ip}\nexit\n', line: 2, says: /unknown variable \$\{net0\/ip\} — use one of \$\{net0\/mac\}, \$\{mac\}/ },
    { what: 'an unterminated variable', text: '#!ipxe\nchain http://x/?mac=${mac\n', line: 2, says: /unterminated variable/ },
    { what: 'a kernel argument without =', text: '#!ipxe\nkernel http://x/vmlinuz quiet\nboot\n', line: 2, says: /"quiet" is not key=value/ },
    { what: 'a chain with two URLs', text: '#!ipxe\nchain http://a/ http://b/\n', line: 2, says: /chain takes one URL/ },
    { what: 'a tftp URL', text: '#!ipxe\nkernel tftp://x/vmlinuz\nboot\n', line: 2, says: /tftp: URLs are not served/ },
    { what: 'a script that never boots', text: '#!ipxe\necho hello\n\n# nothing more\n', line: 2, says: /ends without boot, chain or exit/ },
    { what: 'exit with an argument', text: '#!ipxe\nexit 1\n', line: 2, says: /exit takes no arguments/ },
  ];
  for (const c of cases) {
    it(`${c.what}: line ${c.line}`, () => {
      const error = refusal(c.text);
      expect(error.code).toBe('BOOT_SCRIPT');
      expect(error.line).toBe(c.line);
      expect(error.message).toMatch(c.says);
      expect(error.message).toContain(`line ${c.line}: `);
    });
  }
});

describe('fuzzed scripts', () => {
  const word = fc.constantFrom('echo', 'kernel', 'initrd', 'boot', 'chain', 'exit', 'imgfetch', '#', '${mac}', '${net0/mac}', '${', '}', 'a=b', '=', 'http://h/x', '/rel', 'tftp://h/x', '::', '%zz', 'http://[', '\t', '#!ipxe');
  const line = fc.array(word, { maxLength: 5 }).map((words) => words.join(' '));
  const script = fc.tuple(fc.boolean(), fc.array(line, { maxLength: 8 })).map(([header, lines]) => [...(header ? ['#!ipxe'] : []), ...lines].join('\n'));

  it('any arrangement of subset words runs or fails with a BootScriptError', () => {
    fc.assert(
      fc.property(script, (text) => {
        try {
          run(text);
        } catch (error) {
          expect(error).toBeInstanceOf(BootScriptError);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('arbitrary text runs or fails with a BootScriptError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 40 }), (text, source) => {
        try {
          runIpxeScript(parseIpxeScript(`#!ipxe\n${text}`, source, vars));
        } catch (error) {
          expect(error).toBeInstanceOf(BootScriptError);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
