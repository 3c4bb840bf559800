using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace BqBackup.Codec.Age
{
    /// <summary>A passphrase as UTF-8 bytes (what age feeds scrypt), copied out of a string or a SecureString.</summary>
    internal static class AgePassphrase
    {
        public static byte[] FromString(string passphrase)
        {
            if (passphrase == null) throw new ArgumentNullException(nameof(passphrase));
            if (passphrase.Length == 0) throw AgeErrors.RecipientInvalid("an empty passphrase", null);
            return new UTF8Encoding(false, true).GetBytes(passphrase);
        }

        public static byte[] FromSecureString(SecureString passphrase)
        {
            if (passphrase == null) throw new ArgumentNullException(nameof(passphrase));
            if (passphrase.Length == 0) throw AgeErrors.RecipientInvalid("an empty passphrase", null);
            var ptr = IntPtr.Zero;
            var chars = new char[passphrase.Length];
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(passphrase);
                Marshal.Copy(ptr, chars, 0, chars.Length);
                return new UTF8Encoding(false, true).GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
