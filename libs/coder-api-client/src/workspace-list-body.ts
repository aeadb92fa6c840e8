/**
 * A workspaces list page as Coder sent it (the raw UTF-8 body, `{"workspaces":[…],"count":n}`), indexed
 * but not parsed (see JsonListBody: each workspace is parsed only when asked for, and two reads compare
 * workspace by workspace on their bytes). A page of 500 workspaces is ~2.6 MB.
 */
import { JsonListBody, indexJsonList, type JsonListShape } from './json-list-body.js';
import { listIn, objectWith, type Parsed } from './parse.js';
import type { Workspace } from './wire.js';

const parseWorkspaceList = listIn<Workspace, 'workspaces'>('workspace', 'workspaces', ['id']);

const WORKSPACES: JsonListShape<Workspace & { id: string }> = {
  key: 'workspaces',
  noun: 'workspace',
  parseItem: objectWith<Workspace & { id: string }>('workspace', ['id']),
  parseWhole: (value) => {
    const list = parseWorkspaceList(value);
    return list.ok ? { ok: true, value: { items: list.value.workspaces as (Workspace & { id: string })[], count: list.value.count } } : list;
  },
};

export class WorkspaceListBody extends JsonListBody<Workspace & { id: string }> {
  /** Indexes a workspaces-list page; a broken one fails with the same problem text as `listWorkspaces`. */
  static from(bytes: Uint8Array): Parsed<WorkspaceListBody> {
    const indexed = indexJsonList(bytes, WORKSPACES);
    return indexed.ok ? { ok: true, value: new WorkspaceListBody(indexed.value, WORKSPACES) } : indexed;
  }
}
