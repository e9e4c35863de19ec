import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PRINTABLE } from './transforms';

// The input limits of SPEC.md, once: names 3..200 printable characters, descriptions up to 2,000,
// up to 50 tags of up to 50 characters.

export const NameField = () =>
  applyDecorators(IsString(), Length(3, 200), Matches(PRINTABLE, { message: '$property must not contain control characters' }));

export const DescriptionField = () => applyDecorators(IsOptional(), IsString(), MaxLength(2000));

export const TagsField = () => applyDecorators(IsOptional(), IsArray(), ArrayMaxSize(50), IsString({ each: true }), MaxLength(50, { each: true }));
