/** Deployment, users and organizations. */
import type { Http } from './http.js';
import { arrayOf, objectWith } from './parse.js';
import type { BuildInfo, CallOptions, CoderClient, CoderResult, Organization, User } from './types.js';

export type UsersApi = Pick<CoderClient, 'getBuildInfo' | 'getMe' | 'getUser' | 'listOrganizations'>;

const parseBuildInfo = objectWith<BuildInfo>('build info', ['version']);
const parseUser = objectWith<User>('user', ['id', 'username']);
const parseOrganizations = arrayOf<Organization>('organization', ['id']);

export function createUsersApi(http: Http): UsersApi {
  const getUser = (user: string, opts?: CallOptions): Promise<CoderResult<User>> => {
    const path = '/api/v2/users/{user}' as const;
    return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params: { path: { user } } }), parseUser, opts);
  };
  return {
    getBuildInfo(opts) {
      const path = '/api/v2/buildinfo' as const;
      return http.request('GET', path, (init) => http.raw.GET(path, init), parseBuildInfo, opts);
    },
    getMe: (opts) => getUser('me', opts),
    getUser,
    listOrganizations(opts) {
      const path = '/api/v2/organizations' as const;
      return http.request('GET', path, (init) => http.raw.GET(path, init), parseOrganizations, opts);
    },
  };
}
