import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import { nestedDeeperThan } from './body-limits';
import { PRINTABLE } from './transforms';

// The input limits of SPEC.md, once: names 3..200 printable characters, descriptions up to 2,000,
// up to 50 tags of up to 50 characters.

export const NameField = () =>
  applyDecorators(IsString(), Length(3, 200), Matches(PRINTABLE, { message: '$property must not contain control characters' }));

export const DescriptionField = () => applyDecorators(IsOptional(), IsString(), MaxLength(2000));

export const TagsField = () => applyDecorators(IsOptional(), IsArray(), ArrayMaxSize(50), IsString({ each: true }), MaxLength(50, { each: true }));

/** Objects and arrays nested at most `levels` deep, the value itself being level 1. */
export const MaxDepth = (levels: number) =>
  ValidateBy({
    name: 'maxDepth',
    constraints: [levels],
    validator: {
      validate: (value: unknown) => !nestedDeeperThan(value, levels),
      defaultMessage: (args) => `${args?.property} must not be nested deeper than ${levels} levels`,
    },
  });

/** At most `bytes` bytes once written as JSON (what is stored in the jsonb column). */
export const MaxJsonBytes = (bytes: number) =>
  ValidateBy({
    name: 'maxJsonBytes',
    constraints: [bytes],
    validator: {
      validate: (value: unknown) => {
        try {
          return Buffer.byteLength(JSON.stringify(value) ?? '') <= bytes;
        } catch {
          return false; // not JSON at all (a cycle, a BigInt): certainly not storable
        }
      },
      defaultMessage: (args) => `${args?.property} must be at most ${bytes} bytes as JSON`,
    },
  });

/** Bounds of the free-form objects stored as given (cluster and agent `config`, task `metadata`). */
export const FREE_FORM_LIMITS = { maxDepth: 8, maxBytes: 16 * 1024 };

/**
 * Free-form objects are stored and read back whole: bounded in depth and size so that one request
 * cannot store, or make every later reader walk, an arbitrarily large tree.
 */
export const FreeFormLimits = () => applyDecorators(MaxDepth(FREE_FORM_LIMITS.maxDepth), MaxJsonBytes(FREE_FORM_LIMITS.maxBytes));
