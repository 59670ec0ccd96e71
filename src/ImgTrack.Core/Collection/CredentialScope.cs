using System;
using System.Collections.Generic;

namespace ImgTrack.Collection;

/// <summary>
/// The rule for a credential the caller gives: it belongs to the one registry the names are in, and is sent nowhere
/// else. Names in several registries end the run before any request, since no one credential is right for all.
/// </summary>
public static class CredentialScope
{
    /// <summary>The one registry the names are in; null when no input is a name (image IDs and invalid text name none).</summary>
    /// <exception cref="CredentialSpansRegistriesException">The names are in more than one registry.</exception>
    public static string? RegistryOf(IEnumerable<string?> names)
    {
        if (names is null)
        {
            throw new ArgumentNullException(nameof(names));
        }

        var registries = new List<string>();
        foreach (var text in names)
        {
            var input = ImageInput.Classify(text);
            if (input.Kind == ImageInputKind.Name && !registries.Exists(r => string.Equals(r, input.Reference!.Registry, StringComparison.OrdinalIgnoreCase)))
            {
                registries.Add(input.Reference!.Registry);
            }
        }

        if (registries.Count > 1)
        {
            throw new CredentialSpansRegistriesException(registries);
        }

        return registries.Count == 0 ? null : registries[0];
    }
}
