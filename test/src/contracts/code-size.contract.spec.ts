import * as path from 'path';
import {
  injectableDependencies,
  limitedSources,
  MAX_CONSTRUCTOR_DEPENDENCIES,
  MAX_FILE_LINES,
  overDependentServices,
  oversizedFiles,
} from './code-size';

const root = path.resolve(__dirname, '..', '..', '..');

const service = (name: string, params: number, decorator = '@Injectable()') => `
import { Inject, Injectable } from '@nestjs/common';
${decorator}
export class ${name} {
  constructor(
${Array.from({ length: params }, (_, i) => `    @Inject('T${i}') private readonly d${i}: unknown,`).join('\n')}
  ) {}
}`;

describe('code size: files and services stay small', () => {
  it(`no file under coordinator/src or participant-sdk/src is above ${MAX_FILE_LINES} lines`, () => {
    const sources = limitedSources(root, ['coordinator/src', 'participant-sdk/src']);
    expect(sources.length).toBeGreaterThan(100);
    expect(oversizedFiles(sources)).toEqual([]);
  });

  it(`no @Injectable() in coordinator/src takes more than ${MAX_CONSTRUCTOR_DEPENDENCIES} constructor dependencies`, () => {
    const sources = limitedSources(root, ['coordinator/src']);
    expect(sources.flatMap(injectableDependencies).length).toBeGreaterThan(30);
    expect(overDependentServices(sources)).toEqual([]);
  });

  it('names a service above the limit, and only injectables', () => {
    const sources = [
      { file: 'a/big.service.ts', source: service('BigService', 8) },
      { file: 'a/ok.service.ts', source: service('OkService', 7) },
      { file: 'a/plain.ts', source: service('NotAService', 9, '') },
      { file: 'a/empty.service.ts', source: '@Injectable()\nexport class Empty {}' },
    ];
    expect(sources.flatMap(injectableDependencies)).toEqual([
      { name: 'BigService', dependencies: 8 },
      { name: 'OkService', dependencies: 7 },
      { name: 'Empty', dependencies: 0 },
    ]);
    expect(overDependentServices(sources)).toEqual(['a/big.service.ts: BigService has 8 constructor dependencies']);
  });

  it('names a file above the limit with its length', () => {
    const lines = (n: number) => 'x;\n'.repeat(n);
    expect(
      oversizedFiles([
        { file: 'a/long.ts', source: lines(351) },
        { file: 'a/limit.ts', source: lines(350) },
      ]),
    ).toEqual(['a/long.ts: 351 lines']);
  });
});
