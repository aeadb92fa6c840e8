import type { TemplateVersionParameter } from '../wire-types.js';

/** Static description of the simulated deployment's templates; ids are derived from the seed. */
export interface TemplateSpec {
  name: string;
  displayName: string;
  description: string;
  icon: string;
  organization: 'default' | 'research';
  hasAiTask: boolean;
  /** Older versions first; the last one is active. */
  versions: string[];
  parameters: TemplateVersionParameter[];
  presets: { name: string; isDefault: boolean; description: string; parameters: Record<string, string> }[];
  /** Relative share of agents (0 = never assigned to tasks). */
  weight: number;
}

function options(name: string, displayName: string, values: string[], def: string, unit = ''): TemplateVersionParameter {
  return {
    name,
    display_name: displayName,
    description: `${displayName} for the workspace.`,
    description_plaintext: `${displayName} for the workspace.`,
    type: 'number',
    form_type: 'dropdown',
    mutable: true,
    default_value: def,
    icon: '',
    options: values.map((v) => ({ name: `${v}${unit}`, value: v, description: '', icon: '' })),
    required: false,
    ephemeral: false,
  };
}

const AI_PROMPT: TemplateVersionParameter = {
  name: 'AI Prompt',
  description: 'Write a prompt for Claude Code',
  description_plaintext: 'Write a prompt for Claude Code',
  type: 'string',
  form_type: 'input',
  mutable: true,
  default_value: '',
  icon: '',
  options: [],
  required: false,
  ephemeral: false,
};

const SYSTEM_PROMPT: TemplateVersionParameter = {
  name: 'system_prompt',
  display_name: 'System Prompt',
  description: 'System prompt for the agent with generalized instructions',
  description_plaintext: 'System prompt for the agent with generalized instructions',
  type: 'string',
  form_type: 'textarea',
  mutable: true,
  default_value: '',
  icon: '',
  options: [],
  required: false,
  ephemeral: false,
};

const MCP_NOTE =
  'You are running inside a Coder Workspace and provide status updates to the user via Coder MCP.';

/** The recorded deployment's three presets, each setting `system_prompt` (shortened). */
export const STANDARD_PRESETS: TemplateSpec['presets'] = [
  {
    name: 'Coder',
    isDefault: true,
    description: '',
    parameters: {
      system_prompt: `You are an expert software development assistant specialized in implementing features and fixing bugs.\n${MCP_NOTE}\n`,
    },
  },
  {
    name: 'Operator',
    isDefault: false,
    description: '',
    parameters: {
      system_prompt: `You are an expert site reliability engineer and incident response specialist.\n${MCP_NOTE}\n`,
    },
  },
  {
    name: 'Researcher',
    isDefault: false,
    description: '',
    parameters: {
      system_prompt: `You are an expert research analyst specialized in comprehensive investigation and deep analysis.\n${MCP_NOTE}\n`,
    },
  },
];

export const TEMPLATE_SPECS: readonly TemplateSpec[] = [
  {
    name: 'python-dev',
    displayName: 'Python Dev',
    description: 'Python 3.12 workspace with Claude Code.',
    icon: '/icon/python.svg',
    organization: 'default',
    hasAiTask: true,
    versions: ['calm_turing1', 'brave_hopper2'],
    parameters: [
      options('cpu', 'CPU cores', ['2', '4', '8'], '4'),
      options('memory', 'Memory (GB)', ['4', '8', '16'], '8'),
      AI_PROMPT,
      SYSTEM_PROMPT,
    ],
    presets: STANDARD_PRESETS,
    weight: 4,
  },
  {
    name: 'node-fullstack',
    displayName: 'Node Full-stack',
    description: 'Node 22 + Postgres workspace with Claude Code.',
    icon: '/icon/nodejs.svg',
    organization: 'default',
    hasAiTask: true,
    versions: ['eager_lovelace1'],
    parameters: [
      options('cpu', 'CPU cores', ['2', '4'], '2'),
      options('memory', 'Memory (GB)', ['4', '8'], '4'),
      { ...options('node_version', 'Node version', ['20', '22'], '22'), type: 'string' },
      AI_PROMPT,
      SYSTEM_PROMPT,
    ],
    presets: STANDARD_PRESETS,
    weight: 3,
  },
  {
    name: 'gpu-ml',
    displayName: 'GPU ML',
    description: 'CUDA workspace for model training, with Claude Code.',
    icon: '/icon/nvidia.svg',
    organization: 'research',
    hasAiTask: true,
    versions: ['quirky_curie1'],
    parameters: [
      { ...options('gpu', 'GPU', ['none', 'a10g', 'a100'], 'a10g'), type: 'string' },
      options('cpu', 'CPU cores', ['8', '16'], '8'),
      options('memory', 'Memory (GB)', ['32', '64'], '32'),
      AI_PROMPT,
      SYSTEM_PROMPT,
    ],
    presets: STANDARD_PRESETS,
    weight: 1,
  },
  {
    name: 'small',
    displayName: 'Small',
    description: 'Minimal workspace for quick fixes, with Claude Code.',
    icon: '/icon/terminal.svg',
    organization: 'default',
    hasAiTask: true,
    versions: ['tiny_knuth1'],
    parameters: [options('cpu', 'CPU cores', ['1', '2'], '1'), options('memory', 'Memory (GB)', ['2', '4'], '2'), AI_PROMPT, SYSTEM_PROMPT],
    presets: STANDARD_PRESETS,
    weight: 2,
  },
  {
    name: 'docs-site',
    displayName: 'Docs Site',
    description: 'Static docs preview workspace (no AI task).',
    icon: '/icon/book.svg',
    organization: 'default',
    hasAiTask: false,
    versions: ['plain_hamming1'],
    parameters: [{ ...options('region', 'Region', ['eu', 'us'], 'eu'), type: 'string' }],
    presets: [],
    weight: 0,
  },
];
