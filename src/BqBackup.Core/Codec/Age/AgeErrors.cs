using System;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Builds the codec's exceptions, so ids (in <see cref="ErrorIds"/>), categories and advice stay
    /// consistent. No message ever contains a key, an identity or a passphrase.
    /// </summary>
    internal static class AgeErrors
    {
        private static string Name(string name) => string.IsNullOrEmpty(name) ? "The age file" : $"The age file '{name}'";

        public static BqBackupException HeaderInvalid(string what, string name) =>
            new BqBackupException(ErrorIds.AgeHeaderInvalid, BqErrorCategory.InvalidData,
                $"{Name(name)} has an invalid header: {what}.", name,
                "Check that this is an age-encrypted backup written by BqBackup or age; restore another backup if it is damaged.");

        public static BqBackupException ArmorNotSupported(string name) =>
            new BqBackupException(ErrorIds.AgeArmorNotSupported, BqErrorCategory.InvalidData,
                $"{Name(name)} is ASCII-armored (-----BEGIN AGE ENCRYPTED FILE-----); only binary age files are read.", name,
                "Remove the armor first (age -d decrypts it; or re-encrypt without -a / --armor).");

        public static BqBackupException HeaderMacMismatch(string name) =>
            new BqBackupException(ErrorIds.AgeHeaderMacMismatch, BqErrorCategory.SecurityError,
                $"{Name(name)} has a header that fails its MAC: the header was altered after it was written.", name,
                "Do not trust this file; restore another backup.");

        public static BqBackupException NoMatchingIdentity(int identities, string stanzaSummary, string name) =>
            new BqBackupException(ErrorIds.AgeNoMatchingIdentity, BqErrorCategory.AuthenticationError,
                $"{Name(name)} cannot be opened with the {identities} {(identities == 1 ? "identity" : "identities")} given (its header has {stanzaSummary}): a wrong key or passphrase, or a file encrypted to other recipients.", name,
                "Give the identity file of one of the file's recipients, or the passphrase it was encrypted with.");

        public static BqBackupException BodyTampered(string what, long chunk, string name) =>
            new BqBackupException(ErrorIds.AgeBodyTampered, BqErrorCategory.SecurityError,
                $"{Name(name)} is damaged or was tampered with: {what} (chunk {chunk}). No byte of that chunk was released.", name,
                "Do not trust this file; restore another backup.");

        public static BqBackupException BodyTruncated(string what, string name) =>
            new BqBackupException(ErrorIds.AgeBodyTruncated, BqErrorCategory.InvalidData,
                $"{Name(name)} is cut short: {what}.", name,
                "The upload or copy was incomplete; restore another backup.");

        public static BqBackupException TrailingData(string name) =>
            new BqBackupException(ErrorIds.AgeTrailingData, BqErrorCategory.InvalidData,
                $"{Name(name)} has data after its final chunk.", name,
                "Something was appended to the file; restore another backup.");

        public static BqBackupException IdentityInvalid(string what, object target) =>
            new BqBackupException(ErrorIds.AgeIdentityInvalid, BqErrorCategory.InvalidArgument,
                $"Not a usable age identity: {what}.", target,
                "Give an X25519 identity (AGE-SECRET-KEY-1…, as age-keygen writes it) or an identities file of them.");

        public static BqBackupException RecipientInvalid(string what, object target) =>
            new BqBackupException(ErrorIds.AgeRecipientInvalid, BqErrorCategory.InvalidArgument,
                $"Not a usable age recipient: {what}.", target,
                "Give X25519 recipients (age1…, as age-keygen prints them), or one passphrase alone.");

        public static BqBackupException RecipientRequired() =>
            new BqBackupException(ErrorIds.AgeRecipientRequired, BqErrorCategory.InvalidArgument,
                "Encrypting needs at least one recipient.", null, "Give one or more age1… recipients, or a passphrase.");

        public static BqBackupException IdentityRequired() =>
            new BqBackupException(ErrorIds.AgeIdentityRequired, BqErrorCategory.InvalidArgument,
                "Decrypting needs at least one identity.", null, "Give an identities file (AGE-SECRET-KEY-1…) or the passphrase.");

        public static BqBackupException WorkFactorTooHigh(int logN, int max, string name) =>
            new BqBackupException(ErrorIds.AgePassphraseWorkFactorTooHigh, BqErrorCategory.InvalidData,
                $"{Name(name)} asks for an scrypt work factor of 2^{logN}, above the limit of 2^{max} (it would take very long and a lot of memory).", name,
                "Raise the limit only for a file you trust to come from you; otherwise restore another backup.");

        public static BqBackupException WorkFactorTooHigh(string name, int max) =>
            new BqBackupException(ErrorIds.AgePassphraseWorkFactorTooHigh, BqErrorCategory.InvalidData,
                $"{Name(name)} asks for an scrypt work factor above the limit of 2^{max}.", name,
                "Raise the limit only for a file you trust to come from you; otherwise restore another backup.");
    }
}
