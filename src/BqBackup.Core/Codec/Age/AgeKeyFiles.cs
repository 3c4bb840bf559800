using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// age's key files. A recipients file has one age1… per line; an identities file (as
    /// age-keygen writes it) one AGE-SECRET-KEY-1… per line, any number of them. In both, lines
    /// starting with '#' and blank lines are skipped, and CRLF is read as LF. Errors name the file
    /// and line, never an identity's text.
    /// </summary>
    public static class AgeKeyFiles
    {
        /// <summary>Refuses files larger than this: key files are small, and this bounds what a wrong path can make us read.</summary>
        public const int MaxFileLength = 16 << 20;

        public static IReadOnlyList<AgeX25519Recipient> ParseRecipients(string text, string source = null)
        {
            var result = new List<AgeX25519Recipient>();
            var lineNo = 0;
            foreach (var line in Lines(text))
            {
                lineNo++;
                if (Skip(line)) continue;
                if (!AgeX25519Recipient.TryParse(line.Trim(), out var r, out var why))
                    throw AgeErrors.RecipientInvalid($"{Where(source, lineNo)}: {why}", source ?? line.Trim());
                result.Add(r);
            }
            if (result.Count == 0) throw AgeErrors.RecipientInvalid($"{Where(source, null)} lists no recipient", source);
            return result;
        }

        public static IReadOnlyList<AgeX25519Recipient> ReadRecipientsFile(string path) => ParseRecipients(ReadText(path, recipients: true), path);

        /// <summary>The identities of an unencrypted identities file. An encrypted one (an age file) is refused: decrypt it first.</summary>
        public static IReadOnlyList<AgeX25519Identity> ParseIdentities(string text, string source = null)
        {
            if (text.StartsWith(AgeHeader.Magic, StringComparison.Ordinal) || text.TrimStart().StartsWith("-----BEGIN AGE ENCRYPTED FILE-----", StringComparison.Ordinal))
                throw AgeErrors.IdentityInvalid($"{Where(source, null)} is itself age-encrypted; passphrase-protected identity files are not read, decrypt it first (age -d)", source);
            var result = new List<AgeX25519Identity>();
            var lineNo = 0;
            try
            {
                foreach (var line in Lines(text))
                {
                    lineNo++;
                    if (Skip(line)) continue;
                    result.Add(AgeX25519Identity.Parse(line.Trim(), Where(source, lineNo)));
                }
            }
            catch
            {
                foreach (var i in result) i.Dispose();
                throw;
            }
            if (result.Count == 0) throw AgeErrors.IdentityInvalid($"{Where(source, null)} holds no identity", source);
            return result;
        }

        public static IReadOnlyList<AgeX25519Identity> ReadIdentitiesFile(string path) => ParseIdentities(ReadText(path, recipients: false), path);

        private static string ReadText(string path, bool recipients)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                    throw recipients ? AgeErrors.RecipientInvalid($"the recipients file '{path}' does not exist", path)
                                     : AgeErrors.IdentityInvalid($"the identities file '{path}' does not exist", path);
                // Read at most MaxFileLength + 1 bytes whatever the file claims: a device or a pipe
                // (/dev/zero, /dev/fd/N) has no length to check first and may never end.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12))
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[1 << 16];
                    int n;
                    while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxFileLength + 1L - buffer.Length))) > 0)
                    {
                        buffer.Write(chunk, 0, n);
                        if (buffer.Length > MaxFileLength)
                            throw recipients ? AgeErrors.RecipientInvalid($"'{path}' is too large to be a recipients file", path)
                                             : AgeErrors.IdentityInvalid($"'{path}' is too large to be an identities file", path);
                    }
                    var bytes = buffer.ToArray();
                    try { return new UTF8Encoding(false, true).GetString(bytes); }
                    finally { Array.Clear(bytes, 0, bytes.Length); }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is DecoderFallbackException)
            {
                throw recipients ? AgeErrors.RecipientInvalid($"'{path}' cannot be read ({e.GetType().Name})", path)
                                 : AgeErrors.IdentityInvalid($"'{path}' cannot be read ({e.GetType().Name})", path);
            }
        }

        private static IEnumerable<string> Lines(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            foreach (var raw in text.Split('\n'))
                yield return raw.EndsWith("\r", StringComparison.Ordinal) ? raw.Substring(0, raw.Length - 1) : raw;
        }

        private static bool Skip(string line) => line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal);

        private static string Where(string source, int? line) =>
            (source == null ? "the text" : $"'{source}'") + (line.HasValue ? $" line {line}" : "");
    }
}
