import { ProblemException } from '@rapport/platform-http';

export class CustomerNotFoundException extends ProblemException {
  constructor(id: string) {
    super('notFound', `Customer ${id} was not found`);
  }
}
