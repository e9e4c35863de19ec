// Cluster manifests (README.md, SKILLS.md) as pure functions of plain data: no Nest, TypeORM or BullMQ.
export * from './manifest.types';
export * from './manifest';
export { renderReadme, HIERARCHY_CHILDREN_CAP, RECENT_DECISIONS } from './readme.renderer';
export { renderSkills, SKILL_HOLDERS_CAP } from './skills.renderer';
