import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CustomFieldDefinition, CustomFieldType } from './custom-field-validator';

interface DefinitionRow {
  key: string;
  label: string | null;
  type: CustomFieldType;
  required: boolean;
  allowed_values: string[];
  created_at: Date;
}

const toDefinition = (r: DefinitionRow): CustomFieldDefinition => ({
  key: r.key,
  label: r.label,
  type: r.type,
  required: r.required,
  allowedValues: r.allowed_values,
  createdAt: r.created_at,
});

@Injectable()
export class CustomFieldsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async all(manager: EntityManager = this.dataSource.manager): Promise<CustomFieldDefinition[]> {
    const rows: DefinitionRow[] = await manager.query(
      `SELECT * FROM customer_profile.custom_field_definitions ORDER BY key`,
    );
    return rows.map(toDefinition);
  }

  /** undefined when the key is taken. */
  async insert(
    definition: Omit<CustomFieldDefinition, 'createdAt'>,
    createdBy: string,
  ): Promise<CustomFieldDefinition | undefined> {
    const rows: DefinitionRow[] = await this.dataSource.query(
      `INSERT INTO customer_profile.custom_field_definitions (key, label, type, required, allowed_values, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING *`,
      [definition.key, definition.label, definition.type, definition.required, definition.allowedValues, createdBy],
    );
    return rows[0] ? toDefinition(rows[0]) : undefined;
  }
}
