/** The tags a deploy annotation carries; a dashboard's annotation query asks for all of them. */
export function deployAnnotationTags(environment: string): readonly string[] {
  return ["flyby", environment];
}
