import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorCode, notFound, Problem } from '#common';
import { Blueprint as BlueprintDefinition, blueprintError, compareVersions, parseBlueprintYaml } from '#blueprint';
import { Blueprint, BlueprintVersion } from '#db';
import { genesisProblems } from './blueprint-agent';
import { BlueprintListFilter, BlueprintRepository } from './blueprint.repository';

const checksum = (yaml: string) => createHash('sha256').update(yaml).digest('hex');

/** A stored blueprint version with its parsed definition: what cluster creation works from. */
export interface ResolvedBlueprint {
  blueprint: Blueprint;
  version: BlueprintVersion;
  definition: BlueprintDefinition;
}

export interface NewBlueprint {
  id: string;
  name: string;
  version: string;
  yaml: string;
  description?: string;
  tags?: string[];
}

export interface BlueprintChange {
  yaml?: string;
  name?: string;
  description?: string;
  tags?: string[];
  isActive?: boolean;
}

export type SyncOutcome = 'created' | 'version_added' | 'unchanged' | 'refused_edit' | 'older_version_added';

/**
 * Blueprints as both apps need them: checked (parser + Genesis), stored as immutable versions, and
 * resolved to parsed definitions. The api maps the results to its DTOs; the worker only resolves.
 */
@Injectable()
export class BlueprintStore {
  private readonly logger = new Logger(BlueprintStore.name);
  /** Parsed definitions by `id@version`, bounded and local to the process (see definitionOf). */
  private readonly parsed = new Map<string, BlueprintDefinition>();

  constructor(private readonly repo: BlueprintRepository) {}

  /** Parses and validates a document, including whether Genesis would spawn each of its agents. */
  check(yaml: string): { blueprint: BlueprintDefinition | null; problems: Problem[] } {
    const { blueprint, problems } = parseBlueprintYaml(yaml);
    if (!blueprint) return { blueprint, problems };
    const more = genesisProblems(blueprint);
    return { blueprint: more.length ? null : blueprint, problems: more };
  }

  private parseOrThrow(yaml: string): BlueprintDefinition {
    const { blueprint, problems } = this.check(yaml);
    if (!blueprint) throw blueprintError(problems);
    return blueprint;
  }

  async create(input: NewBlueprint, createdBy: string | null): Promise<ResolvedBlueprint> {
    const def = this.parseOrThrow(input.yaml);
    const mismatch: Problem[] = [];
    if (def.metadata.id !== input.id) mismatch.push({ path: 'id', rule: 'matches_yaml', message: `id must equal metadata.id in blueprint_yaml ("${def.metadata.id}")` });
    if (def.metadata.version !== input.version) mismatch.push({ path: 'version', rule: 'matches_yaml', message: `version must equal metadata.version in blueprint_yaml ("${def.metadata.version}")` });
    if (mismatch.length) throw new DomainError(ErrorCode.ValidationFailed, mismatch.map((p) => p.message).join('; '), { problems: mismatch });

    return this.repo.withLock(input.id, async (m) => {
      if (await this.repo.find(input.id, m)) throw new DomainError(ErrorCode.Conflict, `blueprint ${input.id} already exists; use PUT /api/blueprints/${input.id} to add a version`);
      const b = await this.repo.save(m, {
        id: input.id,
        name: input.name,
        currentVersion: def.metadata.version,
        description: input.description ?? def.metadata.description ?? null,
        author: def.metadata.author ?? null,
        tags: input.tags ?? def.metadata.tags,
        isActive: true,
        source: 'upload',
      });
      const v = await this.addVersion(m, def, input.yaml, createdBy);
      return { blueprint: b, version: v, definition: def };
    });
  }

  async update(id: string, change: BlueprintChange, createdBy: string | null): Promise<ResolvedBlueprint> {
    const def = change.yaml === undefined ? undefined : this.parseOrThrow(change.yaml);
    if (def && def.metadata.id !== id) {
      const problem = { path: 'blueprint_yaml', rule: 'matches_id', message: `metadata.id in blueprint_yaml ("${def.metadata.id}") must equal the blueprint id ${id}` };
      throw new DomainError(ErrorCode.ValidationFailed, problem.message, { problems: [problem] });
    }
    return this.repo.withLock(id, async (m) => {
      const b = await this.repo.find(id, m);
      if (!b) throw notFound('blueprint', id);
      if (def) {
        const existing = await this.repo.findVersion(id, def.metadata.version, m);
        if (existing && existing.checksum !== checksum(change.yaml!)) {
          throw new DomainError(
            ErrorCode.Conflict,
            `version ${def.metadata.version} of blueprint ${id} is already stored with different content; stored versions never change, so give the new document a new metadata.version`,
          );
        }
        if (!existing) await this.addVersion(m, def, change.yaml!, createdBy);
        if (compareVersions(def.metadata.version, b.currentVersion) > 0) b.currentVersion = def.metadata.version;
      }
      if (change.name !== undefined) b.name = change.name;
      if (change.description !== undefined) b.description = change.description;
      if (change.tags !== undefined) b.tags = change.tags;
      if (change.isActive !== undefined) b.isActive = change.isActive;
      const saved = await this.repo.save(m, b);
      const current = (await this.repo.findVersion(id, saved.currentVersion, m))!;
      return { blueprint: saved, version: current, definition: this.definitionOf(current) };
    });
  }

  /** Every stored version of a blueprint, oldest first by semver. */
  async versions(id: string): Promise<string[]> {
    return (await this.repo.listVersions(id)).map((v) => v.version).sort(compareVersions);
  }

  /** A page of blueprints, each with its current version parsed. */
  async list(f: BlueprintListFilter): Promise<[ResolvedBlueprint[], number]> {
    const [rows, total] = await this.repo.list(f);
    const versions = await this.repo.currentVersions(rows);
    return [rows.map((b) => ({ blueprint: b, version: versions.get(b.id)!, definition: this.definitionOf(versions.get(b.id)!) })), total];
  }

  /** The stored blueprint (current or given version) with its definition; 404 when unknown. */
  async resolve(id: string, version?: string, opts: { allowInactive?: boolean; manager?: EntityManager } = {}): Promise<ResolvedBlueprint> {
    // Inside a caller's transaction use its connection: taking a second one from the pool while
    // holding the first can starve the pool under load.
    const b = await this.repo.find(id, opts.manager);
    if (!b) throw notFound('blueprint', id);
    if (!b.isActive && !opts.allowInactive) throw new DomainError(ErrorCode.Unprocessable, `blueprint ${id} is inactive`);
    const v = await this.repo.findVersion(id, version ?? b.currentVersion, opts.manager);
    if (!v) throw notFound(`version of blueprint ${id}`, version ?? b.currentVersion);
    return { blueprint: b, version: v, definition: this.definitionOf(v) };
  }

  /**
   * The definition of one stored version, inactive blueprints included: what a cluster of that
   * version works from. Stored versions never change and are never deleted (an edited file is
   * refused; a cluster's foreign key holds its version), so a definition once read is kept, bounded
   * and local to the process: scale, task, tick and reconcile paths read it without a round trip.
   */
  async definitionFor(id: string, version: string, m?: EntityManager): Promise<BlueprintDefinition> {
    const hit = this.parsed.get(`${id}@${version}`);
    if (hit) return hit;
    const v = await this.repo.findVersion(id, version, m);
    if (!v) throw notFound(`version of blueprint ${id}`, version);
    return this.definitionOf(v);
  }

  /**
   * Syncs one shipped file: new blueprints and new versions are added; a stored version whose file
   * was edited is refused (logged), never silently overwritten.
   */
  async syncFile(yaml: string, file: string): Promise<SyncOutcome> {
    const def = this.parseOrThrow(yaml);
    const id = def.metadata.id;
    return this.repo.withLock(id, async (m) => {
      const b = await this.repo.find(id, m);
      if (!b) {
        await this.repo.save(m, {
          id,
          name: def.metadata.name,
          currentVersion: def.metadata.version,
          description: def.metadata.description ?? null,
          author: def.metadata.author ?? null,
          tags: def.metadata.tags,
          isActive: true,
          source: 'file',
        });
        await this.addVersion(m, def, yaml, null);
        return 'created';
      }
      const existing = await this.repo.findVersion(id, def.metadata.version, m);
      if (existing) {
        if (existing.checksum === checksum(yaml)) return 'unchanged';
        this.logger.warn(`${file}: version ${def.metadata.version} of ${id} is stored with other content; the edit is refused (bump metadata.version)`);
        return 'refused_edit';
      }
      await this.addVersion(m, def, yaml, null);
      if (compareVersions(def.metadata.version, b.currentVersion) > 0) {
        await this.repo.save(m, { ...b, currentVersion: def.metadata.version, name: def.metadata.name });
        return 'version_added';
      }
      return 'older_version_added';
    });
  }

  private async addVersion(m: EntityManager, def: BlueprintDefinition, yaml: string, createdBy: string | null): Promise<BlueprintVersion> {
    const v = { blueprintId: def.metadata.id, version: def.metadata.version, yaml, definition: { ...def } as unknown as Record<string, unknown>, checksum: checksum(yaml), createdBy };
    await this.repo.insertVersion(m, v);
    return (await this.repo.findVersion(def.metadata.id, def.metadata.version, m))!;
  }

  /** The YAML is the source of truth (the definition column serves SQL); every reader gets the loader's current shape. */
  private definitionOf(v: BlueprintVersion): BlueprintDefinition {
    // Stored versions never change (an edited file is refused, nothing deletes one), so a parsed
    // one is kept: scale, task, tick and reconcile paths read the definition on every call.
    const key = `${v.blueprintId}@${v.version}`;
    const hit = this.parsed.get(key);
    if (hit) return hit;
    const { blueprint, problems } = parseBlueprintYaml(v.yaml);
    if (!blueprint) throw blueprintError(problems);
    if (this.parsed.size >= 200) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(key, blueprint);
    return blueprint;
  }
}
