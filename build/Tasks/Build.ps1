# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Build: dotnet build of the solution, which stages the importable module into out/ImgTrack.
function Invoke-Build {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration)
    Assert-StagedModule
}
