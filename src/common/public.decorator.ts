import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'muster:public';

/** Marks a controller or handler as deliberately reachable without credentials. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);
