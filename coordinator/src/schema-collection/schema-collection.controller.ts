import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Actor } from '../http/actor.decorator';
import { ApiDoc } from '../http/api-doc';
import type { Principal } from '../http/principal';
import { ANY_ROLE, Roles } from '../http/roles';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import {
  schemaCollectionListSchema,
  schemaCollectionViewSchema,
  startSchemaCollectionSchema,
  type StartSchemaCollection,
} from './schema-collection.responses';
import type { SchemaCollectionView } from './schema-collection-view';
import { SchemaCollectionService } from './schema-collection.service';

@Controller('v1')
export class SchemaCollectionController {
  constructor(private readonly collections: SchemaCollectionService) {}

  @Post('federations/:federationId/schema-collections')
  @Roles('admin')
  @ApiDoc({
    summary: 'Start a consortium schema collection',
    description:
      'Members running `syndicate-agent schema propose` send their columns and category tags (names sealed to the members), then their column tallies encrypted under the current key epoch; the coordinator builds the index from tags and only adds ciphertexts. Members decrypt the sum and write the proposed plan schema. Reasons: SCHEMA_NEEDS_KEY_EPOCH (no ready key epoch of >= 3 members), SCHEMA_COLLECTION_OPEN (one is in progress; pass replace).',
    response: schemaCollectionViewSchema,
  })
  async start(
    @Param('federationId') federationId: string,
    @Body(new ZodBodyPipe(startSchemaCollectionSchema, 'INVALID_REQUEST', 'the schema collection request is invalid'))
    body: StartSchemaCollection,
    @Actor() actor: Principal,
  ): Promise<SchemaCollectionView> {
    return this.collections.start(federationId, body, actor.tokenId);
  }

  @Get('federations/:federationId/schema-collections')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: "List a federation's schema collections",
    description:
      'Newest first: state (names → tallies → closed, or abandoned) and how many members sent each step; never a category, tag or figure.',
    response: schemaCollectionListSchema,
  })
  list(@Param('federationId') federationId: string): Promise<SchemaCollectionView[]> {
    return this.collections.list(federationId);
  }

  @Get('federations/:federationId/schema-collections/:id')
  @Roles(...ANY_ROLE)
  @ApiDoc({
    summary: 'Follow one schema collection',
    description:
      'State (names → tallies → closed) and how many members sent each step; never a category, tag or figure.',
    response: schemaCollectionViewSchema,
  })
  async get(@Param('federationId') federationId: string, @Param('id') id: string): Promise<SchemaCollectionView> {
    return this.collections.view(await this.collections.get(federationId, id));
  }
}
