import { nodeId } from '../state/ids.js';
import type { SimAccount } from '../state/types.js';
import type { Urls } from '../http/urls.js';

/** A `simple-user` object for an account. */
export function serializeUser(account: SimAccount, urls: Urls): Record<string, unknown> {
  const { login, id } = account;
  const api = `${urls.api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(account.type === 'Organization' ? 'Organization' : 'User', id),
    avatar_url: `${urls.web}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  };
}
