/**
 * Deploy annotations: flyby writes one Grafana annotation through `POST /api/annotations`
 * when a deploy or promote finishes, and every dashboard shows them per environment.
 */

/** The tags a deploy annotation carries; a dashboard's annotation query asks for all of them. */
export function deployAnnotationTags(environment: string): readonly string[] {
  return ["flyby", environment];
}
