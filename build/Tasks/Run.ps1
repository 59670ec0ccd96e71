# Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths ($RepoRoot, $OutDir,
# $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Run: builds and stages the module (the module project only: the tests are not needed to run it), then shows
# 'Get-ImageIdentity -All' in a fresh pwsh: this session may already hold an ImgTrack.dll, which .NET cannot unload.
# The engine is the one DOCKER_HOST, the Docker context or the platform default names, as for any user. Without an
# engine, the engine's own message (what is missing, how to fix it) and what works without one, and exit code 1 in
# $script:RunExitCode. Nothing is captured, so the child pwsh writes straight to the terminal (colors, table width).
function Invoke-Run {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', (Join-Path $RepoRoot 'src/ImgTrack/ImgTrack.csproj'), '-c', $Configuration, '-nologo')
    Assert-StagedModule

    $command = @"
`$ErrorActionPreference = 'Stop'
Write-Host 'PS> Import-Module ./out/ImgTrack/ImgTrack.psd1'
Import-Module -Name '$($Manifest.Replace("'", "''"))'
Write-Host 'PS> Get-ImageIdentity -All'
try {
    `$count = 0
    Get-ImageIdentity -All -ErrorAction Continue | ForEach-Object { `$count++; `$_ } | Out-Host
}
catch {
    # Run failures only (no engine, a bad endpoint): item failures are written and the run goes on.
    Write-Host ''
    Write-Host `$_.Exception.Message
    Write-Host ''
    Write-Host 'Without an engine, ImgTrack still reads image names as Docker does:'
    # Four columns that fit an 80-column terminal; the Reference holds the registry.
    Write-Host 'PS> ConvertTo-ImageReference nginx, localhost:5000/app:1.0, ghcr.io/org/tool:2 | Format-Table Original, Reference, Repository, Tag -AutoSize'
    ConvertTo-ImageReference 'nginx', 'localhost:5000/app:1.0', 'ghcr.io/org/tool:2' | Format-Table Original, Reference, Repository, Tag -AutoSize | Out-Host
    exit 1
}

if (`$count -eq 0) {
    Write-Host 'The engine answered, but it holds no images yet: pull one (docker pull nginx) and run this again.'
}
exit 0
"@
    $pwsh = Get-PwshCommandLine
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command
    $script:RunExitCode = $LASTEXITCODE
}
