// Loaded before every test file (bunfig.toml): a test must never see the GitHub
// Actions job it runs in, or its results would depend on where it runs.
for (const name of Object.keys(process.env)) {
  if (name.startsWith("INPUT_") || name.startsWith("GITHUB_")) delete process.env[name];
}
