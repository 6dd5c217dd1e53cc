import type { FastifyBaseLogger } from 'fastify';
import type { NewSecurityEvent, SecurityEventRepository } from './security-event-repository.ts';

/**
 * The audit log. Writing an event never fails the action it records: a lost audit row is logged
 * loudly instead.
 */
export class SecurityEvents {
  constructor(
    readonly repository: SecurityEventRepository,
    private readonly logger: FastifyBaseLogger,
  ) {}

  async record(event: NewSecurityEvent): Promise<void> {
    try {
      await this.repository.insert(event);
    } catch (error) {
      this.logger.error({ err: error, eventType: event.type }, 'could not write security event');
    }
  }
}
