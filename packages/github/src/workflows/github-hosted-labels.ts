// GitHub's standard hosted images. Larger GitHub-hosted runners have names their owners choose, so they cannot be
// told from self-hosted labels: those count as "maybe".
const HOSTED = [
  /^ubuntu-(latest|slim|\d+\.\d+)(-arm)?$/i,
  /^windows-(latest|\d{4})(-arm)?$/i,
  /^windows-11-arm$/i,
  /^macos-(latest|\d+)(-(large|xlarge|intel))?$/i,
];

/** True for the label of one of GitHub's standard hosted images (`ubuntu-latest`, `windows-2022`, `macos-14` …). */
export function isGitHubHostedLabel(label: string): boolean {
  return HOSTED.some((pattern) => pattern.test(label.trim()));
}
