#
# Module manifest for ImgTrack. This is the source: `dotnet build` stamps ModuleVersion from
# Directory.Build.props (the one version source) into the staged copy in out/ImgTrack.
#
@{
    RootModule           = 'ImgTrack.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '5b8f0f43-6c1e-4d4e-9a51-2f3e7c9d2a11'
    Author               = 'ImgTrack contributors'
    CompanyName          = 'ImgTrack'
    Copyright            = '(c) 2026 ImgTrack contributors. MIT License.'
    Description          = 'Tells exactly which container image a name stands for: Docker reference parts, image ID, repo digests and a tracking ID that merges with Kubernetes imageID records.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # Our own core assembly, loaded up front so its public types ([ImgTrack.ImageIdentity], [ImgTrack.ValueList],
    # …) resolve in scripts before any cmdlet has run. Third-party assemblies never go here (STYLE.md: isolation).
    RequiredAssemblies   = @('ImgTrack.Core.dll')
    FormatsToProcess     = @('ImgTrack.format.ps1xml')
    TypesToProcess       = @('ImgTrack.types.ps1xml')
    CmdletsToExport      = @(
        'ConvertTo-ImageReference'
        'Test-ImageReference'
        'Get-ImageIdentity'
        'ConvertTo-TrackingKey'
        'Compare-ImageInventory'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Docker', 'Container', 'Image', 'Inventory', 'Kubernetes', 'Digest', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            ProjectUri   = 'https://github.com/imgtrack/ImgTrack'
            LicenseUri   = 'https://github.com/imgtrack/ImgTrack/blob/main/LICENSE'
            ReleaseNotes = @'
0.2.0: Get-ImageIdentity contacts the engine before reading any input, so a run that cannot work stops with one
terminating error (EngineUnreachable, EngineProtocolError, InvalidEngineConfiguration) before Export-Csv opens its
file. Created and CollectedAt are ISO 8601 UTC strings and TrackingIdSource is a string, so ConvertTo-Json writes
what Export-Csv writes (compare dates after a [datetimeoffset] cast). Default tables fit 80 columns. $null input is
an error record in its place. Help ships with the package; about_ImgTrack has a tested scheduled-task recipe.
Get-ImageIdentity -Remote asks a registry without pulling; -ResolveRepoDigest finds the registry digest of images
the engine records without one (Podman's localhost/ digests are never chosen); -TimeoutSec (EngineTimeout);
EngineApiTooOld below API 1.41. New columns at the end: Source, RepoDigestSource, Platform, ManifestDigest,
MediaType, ImageIdKind, ConfigDigest; Size may be empty. -ThrottleLimit defaults to 8 (kept-alive connections).
Registries get the client certificate of their certs.d folder (client.cert with client.key), as dockerd does.
0.1.0: First release: ConvertTo-ImageReference, Test-ImageReference, Get-ImageIdentity, ConvertTo-TrackingKey.
'@
        }
    }
}
