/** GitHub REST: `<apiUrl>/repos/<owner/name><path>`. */
export function repoUrl(apiUrl: string, repo: string, path: string): string {
  return `${apiUrl.replace(/\/$/, "")}/repos/${repo}${path}`;
}

/** A GitHub REST request with the headers GitHub asks for, and a JSON body when given. */
export function githubRequest(token: string, method: string, payload?: unknown): RequestInit {
  return {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "flyby-receiver",
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  };
}
