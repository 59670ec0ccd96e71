using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ImgTrack.Core.Tests.References;

/// <summary>
/// Properties of the public contract over generated names (issue 10): whatever valid name is read, its canonical
/// <c>Reference</c> reads back to the same parts, its <c>FamiliarName</c> names the same repository, and a tracking key
/// is a fixed point. Names come from Docker's grammar (<c>github.com/distribution/reference</c>): path components of
/// lowercase letters and digits joined by <c>.</c>, <c>_</c>, <c>__</c> or dashes, an optional registry host (with
/// <c>localhost</c>, IPv4 addresses, ports and Docker Hub's legacy name), an optional tag and an optional digest.
/// </summary>
public sealed class ReferenceProperties
{
    private const int Runs = 500;

    [Property(MaxTest = Runs)]
    public Property Reference_reads_back_to_the_same_parts() => Prop.ForAll(ValidNames().ToArbitrary(), text =>
    {
        var read = ImageReference.Parse(text);
        var again = ImageReference.Parse(read.Reference);

        Assert.Equal(read.Reference, again.Reference);
        Assert.Equal(read.Registry, again.Registry);
        Assert.Equal(read.RegistryHost, again.RegistryHost);
        Assert.Equal(read.Port, again.Port);
        Assert.Equal(read.Repository, again.Repository);
        Assert.Equal(read.Tag, again.Tag);
        Assert.Equal(read.Digest, again.Digest);
        Assert.Equal(read.FullName, again.FullName);
        Assert.Equal(read.FamiliarName, again.FamiliarName);
    });

    /// <remarks>
    /// Not for a Docker Hub name whose first path component reads as a host (<c>docker.io/a.b/app</c>): Docker's own
    /// <c>FamiliarName</c> strips <c>docker.io/</c> there too, and <c>a.b/app</c> then names the registry <c>a.b</c>
    /// (distribution/reference <c>familiarizeName</c>). Found by this property; Docker Hub namespaces cannot contain a
    /// dot, so no real image has such a name.
    /// </remarks>
    [Property(MaxTest = Runs)]
    public Property FamiliarName_with_the_tag_and_digest_reads_back_to_the_same_reference() => Prop.ForAll(ValidNames().Where(FamiliarIsUnambiguous).ToArbitrary(), text =>
    {
        var read = ImageReference.Parse(text);
        var familiar = ImageReference.Parse(read.FamiliarName);
        var suffix = (read.Tag is null ? string.Empty : ":" + read.Tag) + (read.Digest is null ? string.Empty : "@" + read.Digest);

        Assert.Equal(read.FullName, familiar.FullName);
        Assert.Equal(read.Registry, familiar.Registry);
        Assert.Equal(read.Repository, familiar.Repository);
        Assert.Equal(read.FamiliarName, familiar.FamiliarName);
        Assert.Equal(read.Reference, ImageReference.Parse(read.FamiliarName + suffix).Reference);
    });

    [Property(MaxTest = Runs)]
    public Property A_tracking_key_is_its_own_tracking_key() => Prop.ForAll(TrackingIds().ToArbitrary(), id =>
    {
        var key = TrackingKey.Create(id);

        Assert.Equal(key, TrackingKey.Create(key));
    });

    [Property(MaxTest = Runs)]
    public Property Every_runtime_form_of_one_repo_digest_has_one_tracking_key() => Prop.ForAll(Zip(ValidRepositories().Where(FamiliarIsUnambiguous), Digests()).ToArbitrary(), pair =>
    {
        var name = ImageReference.Parse(pair.Item1);
        var forms = new[]
        {
            name.FullName + "@" + pair.Item2,                            // containerd CRI
            name.FamiliarName + "@" + pair.Item2,                        // docker CLI
            "docker-pullable://" + name.FamiliarName + "@" + pair.Item2, // dockershim
        };

        Assert.Single(forms.Select(TrackingKey.Create).Distinct());
    });

    private static bool FamiliarIsUnambiguous(string text)
    {
        var read = ImageReference.Parse(text);
        if (read.Registry != "docker.io")
        {
            return true;
        }

        var first = read.Repository.Split('/')[0];
        return first.IndexOf('.') < 0 && first.IndexOf(':') < 0 && first != "localhost" && !first.Any(char.IsUpper);
    }

    private static Gen<string> ValidRepositories() => Repositories().Where(text => ImageReference.TryParse(text, out _));

    private static Gen<(string, string)> Zip(Gen<string> first, Gen<string> second) =>
        from a in first
        from b in second
        select (a, b);

    private static Gen<string> ValidNames() =>
        (from repository in Repositories()
         from tag in Gen.OneOf(Gen.Constant(string.Empty), Tags().Select(t => ":" + t))
         from digest in Gen.OneOf(Gen.Constant(string.Empty), Digests().Select(d => "@" + d))
         select repository + tag + digest)
        .Where(text => ImageReference.TryParse(text, out _));

    // A registry host or none, and one to three path components.
    private static Gen<string> Repositories() =>
        from host in Gen.OneOf(Gen.Constant(string.Empty), Hosts().Select(h => h + "/"))
        from count in Gen.Choose(1, 3)
        from components in Component().ArrayOf(count)
        select host + string.Join("/", components);

    private static Gen<string> Hosts() => Gen.OneOf(
        Gen.Elements("localhost", "docker.io", "index.docker.io", "registry-1.docker.io", "quay.io", "127.0.0.1", "10.0.0.12"),
        from labels in Gen.Choose(2, 3).SelectMany(n => Label().ArrayOf(n))
        select string.Join(".", labels),
        from host in Gen.Elements("localhost", "127.0.0.1", "registry.example.com", "my-registry.local")
        from port in Gen.Choose(1, 65535)
        select host + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static Gen<string> Label() =>
        from first in AlphaNumeric(1, 6)
        from rest in Gen.OneOf(Gen.Constant(string.Empty), AlphaNumeric(1, 4).Select(s => "-" + s))
        select first + rest;

    // alpha-numeric (separator alpha-numeric)*, separator := [_.] | __ | [-]+
    private static Gen<string> Component() =>
        from first in AlphaNumeric(1, 8)
        from more in Gen.Choose(0, 2).SelectMany(n =>
            (from separator in Gen.Elements(".", "_", "__", "-", "--")
             from part in AlphaNumeric(1, 6)
             select separator + part).ArrayOf(n))
        select first + string.Concat(more);

    private static Gen<string> Tags() =>
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".ToCharArray())
        from rest in Gen.Choose(0, 20).SelectMany(n => Gen.Elements("abcXYZ019_.-".ToCharArray()).ArrayOf(n))
        select first + new string(rest);

    private static Gen<string> Digests() =>
        Gen.Elements("0123456789abcdef".ToCharArray()).ArrayOf(64).Select(hex => "sha256:" + new string(hex));

    private static Gen<string> AlphaNumeric(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789".ToCharArray()).ArrayOf(n)).Select(chars => new string(chars));

    // Everything ConvertTo-TrackingKey reads: repo digests in any runtime's form, and image IDs.
    private static Gen<string> TrackingIds() => Gen.OneOf(
        Zip(ValidRepositories(), Digests()).Select(p => p.Item1 + "@" + p.Item2),
        Zip(ValidRepositories(), Digests()).Select(p => "docker-pullable://" + p.Item1 + "@" + p.Item2),
        Digests(),
        Digests().Select(d => "docker://" + d))
        .Where(id => TrackingKey.TryCreate(id, out _, out _));
}
