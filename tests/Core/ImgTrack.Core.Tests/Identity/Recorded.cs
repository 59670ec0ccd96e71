namespace ImgTrack.Core.Tests.Identity;

/// <summary>Facts of the recorded dockerd 20.10 images (Recorded/dockerd-20.10-*.json) and the seed's amazonlinux.</summary>
internal static class Recorded
{
    public const string Registry = "127.0.0.1:5731";

    /// <summary><c>docker import</c>ed as team/app:1.0, then tagged and pushed to other/app:2.0 and team/app:1.0.</summary>
    public const string PushedId = "sha256:3e91a50f20688a8381d207b34624ff074e2d148be2d83288c8505b594c2c1a72";

    public const string PushedManifestDigest = "sha256:7299b8883c619428f6b3e6c4d8069fe8f791cfdb8def1ec038136847b317833b";

    public const string OtherRepoDigest = Registry + "/other/app@" + PushedManifestDigest;

    public const string TeamRepoDigest = Registry + "/team/app@" + PushedManifestDigest;

    /// <summary><c>docker import</c>ed without a name.</summary>
    public const string UntaggedId = "sha256:263e13d9259aaa351fbad528ba3d1672ae84d5e659f3ffcbd04ac2bc6933444a";

    /// <summary><c>docker import</c>ed as solo:latest, never pushed.</summary>
    public const string SoloId = "sha256:e7eb717d3ec4b694f2a816cbe56cf20206570cefb88d62f163e726beed51edec";

    public const string AmazonLinuxId = "sha256:b63c3d5a14ae516d5edaa98abdd502ef3e1387825976894b400cc5e28c05c9f1";

    public const string AmazonLinuxRepoDigest = "amazonlinux@sha256:a8e94ea6c17f7749b1beb0ac2c3245e0b99804190f31e05f68a0fabb5bea1787";
}
