using System;
using System.Management.Automation;
using ImgTrack.Collection;
using ImgTrack.Commands;
using ImgTrack.Engine;
using ImgTrack.Registry;
using ImgTrack.Resources;
using ImgTrack.Text;

namespace ImgTrack.Reporting;

/// <summary>
/// The one table from each kind of failure the core reports to the error ID and category a PowerShell error record
/// carries. A kind is a per-input <see cref="IdentityError"/>, a registry's <see cref="RegistryError"/>, or the type of
/// an exception that ends the run.
/// </summary>
/// <remarks>
/// To add a failure: give it a kind in the core, its ID in <see cref="ErrorIds"/> (IDs are a public contract: add,
/// never rename), a row here, and name the ID in the help of each cmdlet that can write it.
/// </remarks>
internal static class ErrorTable
{
    // Exception rows are matched in order, first hit wins: a derived type comes before its base.
    private static readonly Row[] s_rows =
    {
        // Per input: the item gets one error record, and the run goes on.
        new(IdentityError.InvalidImageReference, ErrorIds.InvalidImageReference, ErrorCategory.InvalidArgument),
        new(IdentityError.ImageNotFound, ErrorIds.ImageNotFound, ErrorCategory.ObjectNotFound),
        new(IdentityError.ImageInspectFailed, ErrorIds.ImageInspectFailed, ErrorCategory.ReadError),
        new(IdentityError.RemoteNameRequired, ErrorIds.RemoteNameRequired, ErrorCategory.InvalidArgument),

        // Per input, IdentityError.RegistryFailed: the registry's own classification.
        new(RegistryError.ManifestNotFound, ErrorIds.ManifestNotFound, ErrorCategory.ObjectNotFound),
        new(RegistryError.RegistryUnauthorized, ErrorIds.RegistryUnauthorized, ErrorCategory.PermissionDenied),
        new(RegistryError.PlatformNotFound, ErrorIds.PlatformNotFound, ErrorCategory.ObjectNotFound),
        new(RegistryError.DigestMismatch, ErrorIds.DigestMismatch, ErrorCategory.SecurityError),
        new(RegistryError.UnsupportedManifest, ErrorIds.UnsupportedManifest, ErrorCategory.InvalidData),
        new(RegistryError.RegistryUnavailable, ErrorIds.RegistryUnavailable, ErrorCategory.ConnectionError),

        // The run: one terminating error.
        new(typeof(CredentialSpansRegistriesException), ErrorIds.CredentialSpansRegistries, ErrorCategory.InvalidArgument),

        // No usable endpoint (a bad -DockerHost, DOCKER_HOST or context, missing TLS files): a settings error.
        new(typeof(EngineConfigurationException), ErrorIds.InvalidEngineConfiguration, ErrorCategory.InvalidArgument),

        // The engine answered, then stopped answering within -TimeoutSec (hung, frozen).
        new(typeof(EngineTimeoutException), ErrorIds.EngineTimeout, ErrorCategory.OperationTimeout),
        new(typeof(EngineUnreachableException), ErrorIds.EngineUnreachable, ErrorCategory.ConnectionError),
        new(typeof(EngineApiTooOldException), ErrorIds.EngineApiTooOld, ErrorCategory.NotImplemented),

        // The handshake's and the list's errors, and answers that are not the engine API from any request: the
        // endpoint answered, but not as a Docker engine does (a registry's port, a web server, a broken proxy).
        new(typeof(EngineRequestException), ErrorIds.EngineProtocolError, ErrorCategory.ProtocolError),
    };

    /// <summary>The row of a per-input error.</summary>
    public static Row For(IdentityError error) => Find(error) ?? throw new ArgumentOutOfRangeException(nameof(error), error, MessageText.Format(CommandStrings.NoErrorRow, error));

    /// <summary>The row of a registry's failure; a failure it did not classify reads as the registry being unavailable.</summary>
    public static Row For(RegistryError? error) => Find(error ?? RegistryError.RegistryUnavailable) ?? For(RegistryError.RegistryUnavailable);

    /// <summary>The row of a run-ending exception; null when the exception is none the table knows (a bug: let it surface).</summary>
    public static Row? ForRunFailure(Exception exception)
    {
        foreach (var row in s_rows)
        {
            if (row.Kind is Type type && type.IsInstanceOfType(exception))
            {
                return row;
            }
        }

        return null;
    }

    private static Row? Find(Enum kind)
    {
        foreach (var row in s_rows)
        {
            if (kind.Equals(row.Kind))
            {
                return row;
            }
        }

        return null;
    }

    /// <summary>One row: a kind of failure, its error ID and its category.</summary>
    internal sealed class Row
    {
        public Row(object kind, string errorId, ErrorCategory category)
        {
            Kind = kind;
            ErrorId = errorId;
            Category = category;
        }

        /// <summary>An <see cref="IdentityError"/>, a <see cref="RegistryError"/> or an exception type.</summary>
        public object Kind { get; }

        /// <summary>The stable error ID.</summary>
        public string ErrorId { get; }

        /// <summary>PowerShell's category.</summary>
        public ErrorCategory Category { get; }

        /// <summary>An error record of this row, with the message users read.</summary>
        public ErrorRecord Record(Exception exception, object? target, string? message = null)
        {
            var record = new ErrorRecord(exception, ErrorId, Category, target);
            if (message is not null)
            {
                record.ErrorDetails = new ErrorDetails(message);
            }

            return record;
        }
    }
}
