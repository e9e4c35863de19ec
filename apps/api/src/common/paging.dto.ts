import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `page` >= 1 and `page_size` 1..100 (SPEC.md "Input limits"). */
export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page: number = 1;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  page_size: number = 20;
}

export interface Page {
  page: number;
  page_size: number;
  total: number;
}

export const pageWindow = (q: PageQueryDto) => ({ skip: (q.page - 1) * q.page_size, take: q.page_size });
