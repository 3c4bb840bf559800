using System;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// The stable error ids of the age codec (to move into <see cref="ErrorIds"/> when the codec is
    /// wired into the engine). Every failure is a <see cref="BqBackupException"/> with one of these;
    /// no message ever contains a key, an identity or a passphrase.
    /// </summary>
    public static class AgeErrorIds
    {
        /// <summary>The header cannot be parsed: not an age file, another version, a malformed line or stanza, non-canonical base64, an scrypt stanza beside others. (InvalidData)</summary>
        public const string AgeHeaderInvalid = "AgeHeaderInvalid";

        /// <summary>The file is ASCII-armored (PEM "AGE ENCRYPTED FILE"); backups are always binary age, armor is not read. (InvalidData)</summary>
        public const string AgeArmorNotSupported = "AgeArmorNotSupported";

        /// <summary>The header MAC does not match: the header was altered after it was written. (SecurityError)</summary>
        public const string AgeHeaderMacMismatch = "AgeHeaderMacMismatch";

        /// <summary>None of the identities given opens the file: a wrong key or passphrase, or a file encrypted to other recipients. (AuthenticationError)</summary>
        public const string AgeNoMatchingIdentity = "AgeNoMatchingIdentity";

        /// <summary>A payload chunk failed authentication (a flipped byte, chunks reordered, dropped or swapped, a final chunk too early, a file cut in the middle of a chunk). (SecurityError)</summary>
        public const string AgeBodyTampered = "AgeBodyTampered";

        /// <summary>The payload ends where the format proves more was due: no nonce, no chunk, a partial tag, or a non-final chunk last. (InvalidData)</summary>
        public const string AgeBodyTruncated = "AgeBodyTruncated";

        /// <summary>Bytes follow the final chunk. (InvalidData)</summary>
        public const string AgeTrailingData = "AgeTrailingData";

        /// <summary>An identity (AGE-SECRET-KEY-1…) or an identities file cannot be read, or is of a kind not supported. (InvalidArgument)</summary>
        public const string AgeIdentityInvalid = "AgeIdentityInvalid";

        /// <summary>A recipient (age1…) or a recipients file cannot be read, is of a kind not supported, or recipients are mixed in a way age forbids. (InvalidArgument)</summary>
        public const string AgeRecipientInvalid = "AgeRecipientInvalid";

        /// <summary>Encrypting needs at least one recipient, decrypting at least one identity. (InvalidArgument)</summary>
        public const string AgeRecipientRequired = "AgeRecipientRequired";

        /// <summary>See <see cref="AgeRecipientRequired"/>. (InvalidArgument)</summary>
        public const string AgeIdentityRequired = "AgeIdentityRequired";

        /// <summary>The file's scrypt work factor is above the limit this reader accepts (22 by default). (InvalidData)</summary>
        public const string AgePassphraseWorkFactorTooHigh = "AgePassphraseWorkFactorTooHigh";
    }

    /// <summary>Builds the codec's exceptions, so ids, categories and advice stay consistent.</summary>
    internal static class AgeErrors
    {
        private static string Name(string name) => string.IsNullOrEmpty(name) ? "The age file" : $"The age file '{name}'";

        public static BqBackupException HeaderInvalid(string what, string name) =>
            new BqBackupException(AgeErrorIds.AgeHeaderInvalid, BqErrorCategory.InvalidData,
                $"{Name(name)} has an invalid header: {what}.", name,
                "Check that this is an age-encrypted backup written by BqBackup or age; restore another backup if it is damaged.");

        public static BqBackupException ArmorNotSupported(string name) =>
            new BqBackupException(AgeErrorIds.AgeArmorNotSupported, BqErrorCategory.InvalidData,
                $"{Name(name)} is ASCII-armored (-----BEGIN AGE ENCRYPTED FILE-----); only binary age files are read.", name,
                "Remove the armor first (age -d decrypts it; or re-encrypt without -a / --armor).");

        public static BqBackupException HeaderMacMismatch(string name) =>
            new BqBackupException(AgeErrorIds.AgeHeaderMacMismatch, BqErrorCategory.SecurityError,
                $"{Name(name)} has a header that fails its MAC: the header was altered after it was written.", name,
                "Do not trust this file; restore another backup.");

        public static BqBackupException NoMatchingIdentity(int identities, string stanzaSummary, string name) =>
            new BqBackupException(AgeErrorIds.AgeNoMatchingIdentity, BqErrorCategory.AuthenticationError,
                $"{Name(name)} cannot be opened with the {identities} {(identities == 1 ? "identity" : "identities")} given (its header has {stanzaSummary}): a wrong key or passphrase, or a file encrypted to other recipients.", name,
                "Give the identity file of one of the file's recipients, or the passphrase it was encrypted with.");

        public static BqBackupException BodyTampered(string what, long chunk, string name) =>
            new BqBackupException(AgeErrorIds.AgeBodyTampered, BqErrorCategory.SecurityError,
                $"{Name(name)} is damaged or was tampered with: {what} (chunk {chunk}). No byte of that chunk was released.", name,
                "Do not trust this file; restore another backup.");

        public static BqBackupException BodyTruncated(string what, string name) =>
            new BqBackupException(AgeErrorIds.AgeBodyTruncated, BqErrorCategory.InvalidData,
                $"{Name(name)} is cut short: {what}.", name,
                "The upload or copy was incomplete; restore another backup.");

        public static BqBackupException TrailingData(string name) =>
            new BqBackupException(AgeErrorIds.AgeTrailingData, BqErrorCategory.InvalidData,
                $"{Name(name)} has data after its final chunk.", name,
                "Something was appended to the file; restore another backup.");

        public static BqBackupException IdentityInvalid(string what, object target) =>
            new BqBackupException(AgeErrorIds.AgeIdentityInvalid, BqErrorCategory.InvalidArgument,
                $"Not a usable age identity: {what}.", target,
                "Give an X25519 identity (AGE-SECRET-KEY-1…, as age-keygen writes it) or an identities file of them.");

        public static BqBackupException RecipientInvalid(string what, object target) =>
            new BqBackupException(AgeErrorIds.AgeRecipientInvalid, BqErrorCategory.InvalidArgument,
                $"Not a usable age recipient: {what}.", target,
                "Give X25519 recipients (age1…, as age-keygen prints them), or one passphrase alone.");

        public static BqBackupException RecipientRequired() =>
            new BqBackupException(AgeErrorIds.AgeRecipientRequired, BqErrorCategory.InvalidArgument,
                "Encrypting needs at least one recipient.", null, "Give one or more age1… recipients, or a passphrase.");

        public static BqBackupException IdentityRequired() =>
            new BqBackupException(AgeErrorIds.AgeIdentityRequired, BqErrorCategory.InvalidArgument,
                "Decrypting needs at least one identity.", null, "Give an identities file (AGE-SECRET-KEY-1…) or the passphrase.");

        public static BqBackupException WorkFactorTooHigh(int logN, int max, string name) =>
            new BqBackupException(AgeErrorIds.AgePassphraseWorkFactorTooHigh, BqErrorCategory.InvalidData,
                $"{Name(name)} asks for an scrypt work factor of 2^{logN}, above the limit of 2^{max} (it would take very long and a lot of memory).", name,
                "Raise the limit only for a file you trust to come from you; otherwise restore another backup.");

        public static BqBackupException WorkFactorTooHigh(string name, int max) =>
            new BqBackupException(AgeErrorIds.AgePassphraseWorkFactorTooHigh, BqErrorCategory.InvalidData,
                $"{Name(name)} asks for an scrypt work factor above the limit of 2^{max}.", name,
                "Raise the limit only for a file you trust to come from you; otherwise restore another backup.");
    }
}
