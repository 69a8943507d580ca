/** A Dockerfile read as its stages, enough to check what runs in the final image. */
export interface DockerStage {
  from: string;
  name?: string;
  instructions: { op: string; args: string }[];
}

export function parseDockerfile(text: string): { args: Record<string, string>; stages: DockerStage[] } {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const a = rest.join(' ');
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(a)!;
      stages.push({ from: m[1], name: m[2], instructions: [] });
    } else if (stages.length === 0 && op.toUpperCase() === 'ARG') {
      const [k, v] = a.split('=');
      args[k] = v ?? '';
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push({ op: op.toUpperCase(), args: a });
    }
  }
  return { args, stages };
}
