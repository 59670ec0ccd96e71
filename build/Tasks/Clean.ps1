# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Clean: removes out/ and every project's bin/ and obj/ folders.
function Invoke-Clean {
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
    }

    foreach ($root in @('src', 'tests')) {
        $path = Join-Path $RepoRoot $root
        if (Test-Path -LiteralPath $path) {
            Get-ChildItem -LiteralPath $path -Directory -Recurse -Include 'bin', 'obj' |
                Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
