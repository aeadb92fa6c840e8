import { toAgents } from '@org/fleet-domain';
import { buildTaskList, BASE_NOW } from '@org/fleet-domain/testing';
const tasks = buildTaskList(10000, BASE_NOW);
let s = 0;
const t0 = performance.now();
for (let i = 0; i < 60; i++) s += toAgents(tasks, BASE_NOW).length;
console.error(s, (performance.now() - t0) / 60);
