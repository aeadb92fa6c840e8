import { describe, expect, it } from 'vitest';
import { deriveTemplateFacts, parameterCapabilities, parseQuantity, resourceKindOf, normalizeCapability } from './template-facts.js';
import { checkAssignment, onlyUnverifiable, rankTemplates, assignmentViolations } from './check-assignment.js';
import { parseDeclaredCapabilities } from './declared.js';
import { buildParameter, buildPreset, buildTemplate, choiceParameter, recordedAiParameters } from '../testing/template-builders.js';

const pythonDev = deriveTemplateFacts({
  template: buildTemplate({ name: 'python-dev', display_name: '' }),
  declared: { capabilities: ['python', 'docker', 'gpu-none'], limits: {} },
});
const small = deriveTemplateFacts({
  template: buildTemplate({ name: 'small', display_name: 'Small' }),
  parameters: [choiceParameter('memory', ['2', '4']), choiceParameter('cpu', ['1', '2']), buildParameter('disk_size', { type: 'number', validation_max: 50 })],
});

describe('deriveTemplateFacts', () => {
  it('derives capabilities from the recorded AI template: names, ai-task, presets, parameters', () => {
    const f = deriveTemplateFacts({
      template: buildTemplate(),
      presets: [buildPreset('Coder', { Default: true }), buildPreset('Operator'), buildPreset('Researcher')],
      parameters: recordedAiParameters(),
    });
    expect(f.capabilities).toEqual([
      'coder-devcontainer',
      'coder',
      'devcontainer',
      'setup',
      'ai-task',
      'preset:coder',
      'preset:operator',
      'preset:researcher',
    ]);
    expect(f.hasAiTask).toBe(true);
    expect(f.presets).toEqual(['Coder', 'Operator', 'Researcher']);
    expect(f.parameters).toEqual(['AI Prompt', 'system_prompt']);
    expect(f.limits).toEqual({});
    expect(f.capabilityFacts.find((c) => c.name === 'preset:operator')?.source).toBe('preset');
    expect(f).toMatchObject({ templateId: buildTemplate().id, displayName: 'Setup', activeVersionId: buildTemplate().active_version_id, deprecated: false });
  });

  it('hasAiTask: caller value wins, unknown is null', () => {
    expect(deriveTemplateFacts({ template: { name: 'x' } }).hasAiTask).toBeNull();
    expect(deriveTemplateFacts({ template: { name: 'x' }, hasAiTask: false }).hasAiTask).toBe(false);
    expect(deriveTemplateFacts({ template: { name: 'x' }, hasAiTask: true }).capabilities).toContain('ai-task');
  });

  it('derives limits from options, validation_max and fixed defaults', () => {
    expect(small.limits.memoryGb).toMatchObject({ max: 4, min: 2, options: [2, 4], origin: 'parameter "memory" options 2, 4' });
    expect(small.limits.cpu?.max).toBe(2);
    expect(small.limits.diskGb).toMatchObject({ max: 50, origin: 'parameter "disk_size" max 50' });
    const f = deriveTemplateFacts({
      template: { name: 't' },
      parameters: [
        buildParameter('memory_mb', { type: 'number', validation_max: 8192, validation_min: 1024 }),
        buildParameter('cpu_cores', { mutable: false, default_value: '4' }),
        buildParameter('home_disk_size', {}),
      ],
    });
    expect(f.limits.memoryGb).toMatchObject({ max: 8, min: 1 });
    expect(f.limits.cpu).toMatchObject({ max: 4, origin: 'parameter "cpu_cores" fixed at 4' });
    expect(f.limits.diskGb).toEqual({ source: 'parameter', parameter: 'home_disk_size', origin: 'parameter "home_disk_size" has no options or maximum' });
  });

  it('keeps the larger known bound when several parameters control one resource; declared limits win', () => {
    const f = deriveTemplateFacts({
      template: { name: 'multi' },
      parameters: [buildParameter('ram'), choiceParameter('memory', ['8GB', '16GB']), choiceParameter('mem', ['4'])],
      declared: { templates: { MULTI: { capabilities: ['gpu'], limits: { cpu: 32 } } } },
    });
    expect(f.limits.memoryGb?.max).toBe(16);
    expect(f.limits.cpu).toEqual({ max: 32, source: 'declared', origin: 'declared limit' });
    expect(f.capabilities[0]).toBe('gpu');
  });

  it('adds meaningful parameter capabilities; numeric options become parameter limits, never capabilities', () => {
    const f = deriveTemplateFacts({
      template: { name: 'lang' },
      parameters: [
        choiceParameter('language', ['Python', 'go']),
        choiceParameter('enable_x', ['true', 'false'], { type: 'bool' }),
        choiceParameter('gpu', ['none', 't4', 'a100']),
        choiceParameter('node_version', ['22', '20'], { type: 'string' }),
        choiceParameter('max_turns', ['20', '50']),
        choiceParameter('region', ['eu', 'us']),
        buildParameter('system_prompt', { type: 'string' }),
      ],
    });
    expect(f.capabilities).toEqual(['lang', 'python', 'go', 'gpu', 'gpu-t4', 'gpu-a100', 'node']);
    expect(f.capabilities).not.toEqual(expect.arrayContaining(['20', 'none', 'true', 'eu']));
    expect(f.parameterLimits).toEqual([
      { parameter: 'node_version', min: 20, max: 22, options: [20, 22], origin: 'parameter "node_version" options 20, 22' },
      { parameter: 'max_turns', min: 20, max: 50, options: [20, 50], origin: 'parameter "max_turns" options 20, 50' },
    ]);
    expect(f.capabilityFacts.find((c) => c.name === 'gpu-t4')?.source).toBe('parameter');
  });

  it.each([
    // [parameter, expected capabilities]
    [choiceParameter('gpu', ['none', 't4', 'a100']), ['gpu', 'gpu-t4', 'gpu-a100']],
    [choiceParameter('gpu_type', ['nvidia-t4', 'a100']), ['gpu', 'gpu-nvidia-t4', 'gpu-a100']],
    [choiceParameter('gpu', ['none']), []],
    [choiceParameter('languages', ['Python', 'TypeScript']), ['python', 'typescript']],
    [choiceParameter('ide', ['vscode', 'jetbrains', 'none']), ['vscode', 'jetbrains']],
    [buildParameter('enable_docker', { type: 'bool' }), ['docker']],
    [choiceParameter('docker_in_docker', ['true', 'false'], { type: 'string' }), ['docker-in-docker']],
    [choiceParameter('playwright_support', ['yes', 'no']), ['playwright']],
    [buildParameter('use_x', { type: 'bool' }), []],
    [choiceParameter('python_version', ['3.11', '3.12']), ['python']],
    [choiceParameter('go_version', ['1.22', 'latest']), ['go', 'go-latest']],
    [choiceParameter('timeout_minutes', ['20', '40']), []],
    [choiceParameter('count', ['1', '2']), []],
    [choiceParameter('region', ['eu', 'us']), []],
    [choiceParameter('dotfiles_uri', ['https://github.com/a/dotfiles']), []],
    [choiceParameter('image', ['codercom/enterprise-base:ubuntu', 'codercom/enterprise-node:ubuntu']), []],
    [buildParameter('image', { options: [{ value: 'codercom/enterprise-node:ubuntu', name: 'Node' }] }), ['image', 'image-node']],
    [buildParameter('AI Prompt', { type: 'string' }), []],
    [buildParameter('notes', { type: 'string' }), []],
    [buildParameter('', { type: 'bool' }), []],
    [choiceParameter('flavor', Array.from({ length: 21 }, (_, i) => `f${i}`)), []],
  ])('parameterCapabilities(%#)', (param, caps) => {
    expect(parameterCapabilities(param)).toEqual(caps);
  });

  it.each([
    ['cpu', 'cpu'],
    ['cpu_cores', 'cpu'],
    ['cores', 'cpu'],
    ['memory', 'memoryGb'],
    ['memory_gb', 'memoryGb'],
    ['ram', 'memoryGb'],
    ['disk_size', 'diskGb'],
    ['storage', 'diskGb'],
    ['system_prompt', undefined],
    ['memento', undefined],
  ])('resourceKindOf(%s) = %s', (name, kind) => expect(resourceKindOf(name)).toBe(kind));

  it.each([
    ['4', 'memoryGb', '', 4],
    ['8GB', 'memoryGb', '', 8],
    ['8 Gi', 'memoryGb', '', 8],
    ['512Mi', 'memoryGb', '', 0.5],
    ['1Ti', 'diskGb', '', 1024],
    ['2048', 'memoryGb', 'memory_mb', 2],
    ['2000m', 'cpu', '', 2],
    ['4 cores', 'cpu', '', 4],
    ['4GB', 'cpu', '', undefined],
    ['lots', 'memoryGb', '', undefined],
    ['8 parsecs', 'diskGb', '', undefined],
  ] as const)('parseQuantity(%s, %s, %s) = %s', (raw, kind, pname, value) => expect(parseQuantity(raw, kind, pname)).toBe(value));

  it('normalises capability names', () => expect(normalizeCapability('  Image_Processing v2 ')).toBe('image-processing-v2'));
});

describe('checkAssignment', () => {
  it('passes when everything fits', () => {
    expect(checkAssignment({ capabilities: ['Python', 'docker'] }, pythonDev)).toEqual({ ok: true, value: undefined });
    expect(checkAssignment({ memoryGb: 4, cpu: 2, diskGb: 50 }, small).ok).toBe(true);
    expect(checkAssignment({}, small).ok).toBe(true);
  });

  it.each([
    [
      'missing capability',
      pythonDev,
      { capabilities: ['image-processing-v2'] },
      'missing_capability',
      'missing capability "image-processing-v2" (template "python-dev" offers: python, docker, gpu-none, python-dev)',
    ],
    ['memory limit', small, { memoryGb: 8 }, 'exceeds_limit', 'requires 8 GB memory but template "small" allows at most 4 GB (parameter "memory" options 2, 4)'],
    ['cpu limit', small, { cpu: 8 }, 'exceeds_limit', 'requires 8 CPUs but template "small" allows at most 2 CPUs (parameter "cpu" options 1, 2)'],
    ['disk limit', small, { diskGb: 100 }, 'exceeds_limit', 'requires 100 GB disk but template "small" allows at most 50 GB (parameter "disk_size" max 50)'],
    [
      'unknown limit is unverifiable',
      pythonDev,
      { memoryGb: 8 },
      'unverifiable',
      'cannot verify 8 GB memory: template "python-dev" has no memory parameter and no declared memory limit',
    ],
    [
      'unbounded parameter is unverifiable',
      deriveTemplateFacts({ template: { name: 'open' }, parameters: [buildParameter('cpu', { type: 'number' })] }),
      { cpu: 1 },
      'unverifiable',
      'cannot verify 1 CPU: template "open" parameter "cpu" has no options or maximum',
    ],
    ['invalid number', small, { cpu: -1 }, 'invalid_requirement', 'invalid cpu requirement -1: expected a positive number'],
    ['empty capability', small, { capabilities: ['  '] }, 'invalid_requirement', 'empty capability name in requirements'],
    [
      'template offering nothing',
      deriveTemplateFacts({ template: { name: '' } }),
      { capabilities: ['x'] },
      'missing_capability',
      'missing capability "x" (template "" offers: nothing)',
    ],
  ] as const)('%s', (_name, facts, req, kind, message) => {
    const r = checkAssignment(req, facts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toHaveLength(1);
      expect(r.error[0]?.kind).toBe(kind);
      expect(r.error[0]?.message).toBe(message);
    }
  });

  it('reports every violation at once, with numbers', () => {
    const v = assignmentViolations({ capabilities: ['gpu'], memoryGb: 8, cpu: 2 }, small);
    expect(v.map((x) => x.kind)).toEqual(['missing_capability', 'exceeds_limit']);
    expect(v[1]).toMatchObject({ requirement: 'memoryGb', required: 8, allowed: 4 });
  });

  it('truncates a long offers list', () => {
    const many = deriveTemplateFacts({ template: { name: 'many' }, declared: { capabilities: Array.from({ length: 40 }, (_, i) => `c${i}`), limits: {} } });
    const r = checkAssignment({ capabilities: ['zzz'] }, many);
    expect(!r.ok && r.error[0]?.message).toMatch(/, … 11 more\)$/);
  });

  it('onlyUnverifiable', () => {
    const r = checkAssignment({ memoryGb: 2 }, pythonDev);
    expect(!r.ok && onlyUnverifiable(r.error)).toBe(true);
    expect(onlyUnverifiable([])).toBe(false);
  });
});

describe('rankTemplates', () => {
  const big = deriveTemplateFacts({ template: { name: 'big' }, hasAiTask: true, parameters: [choiceParameter('memory', ['8', '16', '32'])] });
  const medium = deriveTemplateFacts({ template: { name: 'medium' }, hasAiTask: true, parameters: [choiceParameter('memory', ['4', '8'])] });
  const old = deriveTemplateFacts({ template: { name: 'old', deprecated: true }, hasAiTask: true, parameters: [choiceParameter('memory', ['8'])] });
  const noAi = deriveTemplateFacts({ template: { name: 'no-ai' }, hasAiTask: false, parameters: [choiceParameter('memory', ['8'])] });
  const unknownAi = deriveTemplateFacts({ template: { name: 'maybe-ai' }, parameters: [choiceParameter('memory', ['8'])] });

  it('ranks fitting templates: not deprecated, AI-task, tightest fit; separates uncertain and rejected', () => {
    const r = rankTemplates({ memoryGb: 8 }, [big, old, small, medium, pythonDev, noAi, unknownAi]);
    expect(r.candidates.map((c) => c.facts.name)).toEqual(['medium', 'big', 'maybe-ai', 'no-ai', 'old']);
    expect(r.candidates[0]).toMatchObject({ rank: 1, slack: 1, why: 'template "medium" satisfies every requirement; exact resource fit' });
    expect(r.candidates[1]?.why).toContain('resources 4.0x the requirement');
    expect(r.candidates[2]?.why).toContain('AI-task support unknown');
    expect(r.candidates[3]?.why).toContain('no AI-task support');
    expect(r.candidates[4]?.why).toContain('deprecated');
    expect(r.uncertain.map((u) => u.facts.name)).toEqual(['python-dev']);
    expect(r.rejected.map((u) => u.facts.name)).toEqual(['small']);
  });

  it('without resource requirements prefers the most specific template', () => {
    const r = rankTemplates({ capabilities: ['python'] }, [pythonDev, deriveTemplateFacts({ template: { name: 'python' } })]);
    expect(r.candidates.map((c) => [c.facts.name, c.slack])).toEqual([
      ['python', null],
      ['python-dev', null],
    ]);
  });

  it('empty candidate list', () => expect(rankTemplates({}, [])).toEqual({ candidates: [], uncertain: [], rejected: [] }));
});

describe('declared map is usable end to end', () => {
  it('parsed map feeds deriveTemplateFacts', () => {
    const parsed = parseDeclaredCapabilities({ templates: { 'python-dev': { capabilities: ['python'], limits: { memoryGb: 16 } } } });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      const f = deriveTemplateFacts({ template: { name: 'python-dev' }, declared: parsed.value });
      expect(checkAssignment({ memoryGb: 32 }, f)).toMatchObject({
        ok: false,
        error: [{ message: 'requires 32 GB memory but template "python-dev" allows at most 16 GB (declared limit)' }],
      });
      expect(deriveTemplateFacts({ template: { name: 'other' }, declared: parsed.value }).capabilities).toEqual(['other']);
    }
  });
});
