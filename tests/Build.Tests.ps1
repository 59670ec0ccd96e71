#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The build as a user runs it (issue 7, "Help that ships, a package that installs"): the staging target keeps
# the help build.ps1's Docs task generated.

BeforeAll {
    $script:repoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '..')).Path
}

Describe 'StageModule target' {
    # dotnet build stages out/ImgTrack through this target. It runs here against a scratch folder, with stand-in
    # assemblies (TargetDir overridden), so the test neither builds nor touches out/ImgTrack.
    Context 'A module folder that already holds generated help and stale files' {
        BeforeAll {
            $scratch = Join-Path $TestDrive 'stage'
            $script:moduleDir = Join-Path $scratch 'ImgTrack'
            $bin = Join-Path $scratch 'bin'
            $null = New-Item -ItemType Directory -Path $bin, (Join-Path $script:moduleDir 'en-US'), (Join-Path $script:moduleDir 'Dependencies') -Force
            Set-Content -LiteralPath (Join-Path $bin 'ImgTrack.dll') -Value 'stand-in'
            Set-Content -LiteralPath (Join-Path $bin 'ImgTrack.Core.dll') -Value 'stand-in'
            $script:help = @{
                'ImgTrack.dll-Help.xml'   = '<helpItems schema="maml" />'
                'about_ImgTrack.help.txt' = "TOPIC`n    about_imgtrack`n"
            }
            foreach ($name in $script:help.Keys) {
                Set-Content -LiteralPath (Join-Path $script:moduleDir "en-US/$name") -Value $script:help[$name] -NoNewline
            }

            Set-Content -LiteralPath (Join-Path $script:moduleDir 'Stale.Removed.dll') -Value 'left by an older build'
            Set-Content -LiteralPath (Join-Path $script:moduleDir 'Dependencies/Stale.Dependency.dll') -Value 'left by an older build'

            $project = Join-Path $script:repoRoot 'src/ImgTrack/ImgTrack.csproj'
            $script:msbuild = & dotnet msbuild $project -nologo -verbosity:minimal -target:StageModule "-property:ImgTrackModuleDir=$script:moduleDir/" "-property:TargetDir=$bin/" 2>&1
            $script:msbuildExitCode = $LASTEXITCODE
        }

        It 'Should succeed' {
            $script:msbuildExitCode | Should -Be 0 -Because ($script:msbuild -join [Environment]::NewLine)
        }

        It 'Should keep <_> in en-US byte for byte' -ForEach @('ImgTrack.dll-Help.xml', 'about_ImgTrack.help.txt') {
            Get-Content -LiteralPath (Join-Path $script:moduleDir "en-US/$_") -Raw | Should -BeExactly $script:help[$_]
        }

        It 'Should remove files it no longer stages' {
            Join-Path $script:moduleDir 'Stale.Removed.dll' | Should -Not -Exist
            Join-Path $script:moduleDir 'Dependencies/Stale.Dependency.dll' | Should -Not -Exist
        }

        It 'Should stage <_>' -ForEach @('ImgTrack.psd1', 'ImgTrack.dll', 'ImgTrack.Core.dll', 'ImgTrack.format.ps1xml', 'ImgTrack.types.ps1xml', 'LICENSE') {
            Join-Path $script:moduleDir $_ | Should -Exist
        }

        It 'Should stamp the manifest with the version from Directory.Build.props' {
            $props = [xml](Get-Content -LiteralPath (Join-Path $script:repoRoot 'Directory.Build.props') -Raw)
            $version = @($props.Project.PropertyGroup.VersionPrefix | Where-Object { $_ })[0]
            (Import-PowerShellDataFile -LiteralPath (Join-Path $script:moduleDir 'ImgTrack.psd1')).ModuleVersion | Should -Be $version
        }
    }
}
