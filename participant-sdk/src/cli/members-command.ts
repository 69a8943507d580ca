import type { Command } from 'commander';
import { identityFingerprint, normalizeFingerprint, signEndorsement } from '@syndicate/protocol';
import { CoordinatorClient } from '../agent/coordinator-client';
import { loadIdentity } from '../crypto/identity-store';
import { MemberTrust } from '../trust/member-trust';
import {
  loadTrustPolicy,
  pinMember,
  setEndorsementsRequired,
  setMinContributors,
  setCheckSumDigest,
  unpinMember,
} from '../trust/trust-store';

const STATE_DIR = ['--state-dir <dir>', 'keys and enrollment (0700)', '.syndicate-agent'] as const;

function enrolledIdentity(stateDir: string) {
  const id = loadIdentity(stateDir);
  if (!id) throw new Error(`${stateDir} holds no enrollment; run syndicate-agent enroll (or run with --token) first`);
  return id;
}

function memberTrust(stateDir: string) {
  const identity = enrolledIdentity(stateDir);
  const client = new CoordinatorClient(identity);
  const self = {
    participantId: identity.participantId,
    displayName: 'this bank',
    signPublicKey: identity.signingPublicKey,
  };
  return {
    identity,
    client,
    trust: new MemberTrust(identity.federationId, self, () => loadTrustPolicy(stateDir), client),
  };
}

/**
 * `identity show` and `members ...`: how a bank's operator pins the other banks, by fingerprints
 * exchanged out of band, and endorses newcomers, so its agent never trusts the coordinator's list.
 */
export function registerMembersCommands(program: Command): void {
  const identity = program.command('identity').description("This bank's identity, as other banks pin it.");
  identity
    .command('show')
    .description("Print this agent's fingerprint, to read to the other banks over the phone or send them signed.")
    .option(...STATE_DIR)
    .option('--json', 'machine-readable')
    .action((o: { stateDir: string; json?: boolean }) => {
      const id = enrolledIdentity(o.stateDir);
      const fingerprint = identityFingerprint(id.signingPublicKey);
      if (o.json) {
        process.stdout.write(
          JSON.stringify({ participantId: id.participantId, federationId: id.federationId, fingerprint }) + '\n',
        );
      } else {
        process.stdout.write(`participant ${id.participantId} in ${id.federationId}\nfingerprint: ${fingerprint}\n`);
      }
    });

  const members = program
    .command('members')
    .description('Whom this bank trusts: pinned fingerprints, and members endorsed by banks it trusts.');
  members
    .command('pin <name> <fingerprint>')
    .description('Trust the member with this fingerprint (checked out of band, e.g. read aloud by its operator).')
    .option(...STATE_DIR)
    .action((name: string, fingerprint: string, o: { stateDir: string }) => {
      const p = pinMember(o.stateDir, name, fingerprint);
      process.stdout.write(
        `pinned ${name} (${normalizeFingerprint(fingerprint)}); ${p.pinned.length} member(s) pinned\n`,
      );
    });
  members
    .command('unpin <name-or-fingerprint>')
    .description('Stop trusting a pinned member from the next key epoch on.')
    .option(...STATE_DIR)
    .action((what: string, o: { stateDir: string }) => {
      unpinMember(o.stateDir, what);
      process.stdout.write(`unpinned ${what}\n`);
    });
  members
    .command('require-endorsements <k>')
    .description('How many trusted members must endorse a member this bank has not pinned (0: pins only).')
    .option(...STATE_DIR)
    .action((k: string, o: { stateDir: string }) => {
      const n = Number(k);
      if (!Number.isInteger(n)) throw new Error(`"${k}" is not a whole number`);
      setEndorsementsRequired(o.stateDir, n);
      process.stdout.write(`a member not pinned is trusted once ${n} trusted member(s) endorse it\n`);
    });
  members
    .command('min-contributors <n>')
    .description(
      'The fewest trusted contributors a sum must name before this bank decrypts it (default 3, never below 3).',
    )
    .option(...STATE_DIR)
    .action((k: string, o: { stateDir: string }) => {
      const n = Number(k);
      if (!Number.isInteger(n)) throw new Error(`"${k}" is not a whole number`);
      setMinContributors(o.stateDir, n);
      process.stdout.write(`this bank decrypts only sums of at least ${n} trusted contributors\n`);
    });
  members
    .command('sum-digest-check <on|off>')
    .description(
      'Whether a masked sum is checked against the digests of the parts it lists before decrypting (default on; unmasked sums always are).',
    )
    .option(...STATE_DIR)
    .action((v: string, o: { stateDir: string }) => {
      if (v !== 'on' && v !== 'off') throw new Error(`"${v}" is neither on nor off`);
      setCheckSumDigest(o.stateDir, v === 'on');
      process.stdout.write(
        v === 'on'
          ? 'every secure sum is checked against its parts before decrypting\n'
          : 'masked sums are decrypted without the digest check (masking alone protects them); unmasked sums are still checked\n',
      );
    });
  members
    .command('list')
    .description('Every member the coordinator lists, with whether this bank trusts it and why.')
    .option(...STATE_DIR)
    .option('--json', 'machine-readable')
    .action(async (o: { stateDir: string; json?: boolean }) => {
      const { client, trust } = memberTrust(o.stateDir);
      try {
        await trust.refresh();
        const rows = trust.rows();
        if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else
          for (const r of rows) {
            const mark = r.trusted ? 'trusted  ' : 'UNTRUSTED';
            process.stdout.write(`${mark} ${r.displayName.padEnd(20)} ${r.fingerprint}  ${r.why}\n`);
          }
      } finally {
        client.close();
      }
    });
  members
    .command('endorse <fingerprint>')
    .description('Vouch for the member with this fingerprint (after checking it out of band); this bank pins it too.')
    .option(...STATE_DIR)
    .action(async (fingerprint: string, o: { stateDir: string }) => {
      const fp = normalizeFingerprint(fingerprint);
      if (!fp) throw new Error(`"${fingerprint}" is not a fingerprint: expected 40 digits (8 groups of 5)`);
      const { identity: id, client, trust } = memberTrust(o.stateDir);
      try {
        await trust.refresh();
        const row = trust.rows().find((r) => r.fingerprint === fp);
        if (!row)
          throw new Error(`no member of ${id.federationId} has the fingerprint ${fp}; check it with its operator`);
        const card = trust.cardOf(row.participantId)!;
        await client.submitEndorsement(
          signEndorsement(
            {
              federationId: id.federationId,
              subjectSignPublicKey: card.signPublicKey,
              subjectDisplayName: card.displayName,
            },
            { signPublicKey: id.signingPublicKey, signSecretKey: id.signingSecretKey },
          ),
        );
        pinMember(o.stateDir, card.displayName, fp);
        process.stdout.write(`endorsed and pinned ${card.displayName} (${fp})\n`);
      } finally {
        client.close();
      }
    });
}
