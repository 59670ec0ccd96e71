# Helpers the tasks share. Part of build.ps1, which dot-sources this file; it sees build.ps1's parameters and paths
# ($RepoRoot, $OutDir, $ModuleDir, $Manifest, $Solution, $Configuration, ...).

# Runs a native command and stops the build when it fails: $ErrorActionPreference does not apply to exit codes
# of native programs in Windows PowerShell 5.1.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )

    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# How to start this same PowerShell again: its own executable, or 'dotnet pwsh.dll' when it runs as the local dotnet
# tool (dotnet pwsh), whose process is dotnet itself.
function Get-PwshCommandLine {
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }

    @($process)
}

function Assert-StagedModule {
    if (-not (Test-Path -LiteralPath $Manifest)) {
        throw "The staged module $Manifest does not exist. Run the Build task first."
    }
}
