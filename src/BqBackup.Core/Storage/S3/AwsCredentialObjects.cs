using System;
using System.Reflection;
using Amazon.Runtime;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Takes an Amazon.Runtime.AWSCredentials as AWS.Tools users pass it (-Credential
    /// (Get-AWSCredential -ProfileName x)): this module's AWSSDK type as it is, and one from another
    /// copy of the SDK (AWS.Tools loads its own, of another version or in another load context)
    /// through its public GetCredentials(), asked again each time a request is signed, so
    /// refreshing credentials (roles, SSO) keep refreshing.
    /// </summary>
    public static class AwsCredentialObjects
    {
        private const string AwsCredentialsTypeName = "Amazon.Runtime.AWSCredentials";

        /// <summary>Whether <paramref name="value"/> is an AWSCredentials of any copy of the AWS SDK.</summary>
        public static bool IsAwsCredentials(object value)
        {
            if (value is AWSCredentials) return true;
            for (var t = value?.GetType(); t != null; t = t.BaseType)
                if (t.FullName == AwsCredentialsTypeName) return true;
            return false;
        }

        /// <summary>The credentials to sign with; InvalidCredentials when <paramref name="value"/> is not an AWSCredentials.</summary>
        public static AWSCredentials Adapt(object value)
        {
            if (value is AWSCredentials own) return own;
            if (!IsAwsCredentials(value))
                throw new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.InvalidArgument,
                    $"-Credential takes a PSCredential or an Amazon.Runtime.AWSCredentials, not a {value?.GetType().FullName ?? "null"}.", null,
                    "Pass -Credential (Get-Credential) with the access key as user name, or an AWSCredentials such as Get-AWSCredential returns.");
            return new Foreign(value);
        }

        /// <summary>An AWSCredentials of another copy of the SDK, read through reflection.</summary>
        private sealed class Foreign : AWSCredentials
        {
            private readonly object inner;
            private readonly MethodInfo getCredentials;

            public Foreign(object inner)
            {
                this.inner = inner;
                getCredentials = inner.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null);
            }

            public override ImmutableCredentials GetCredentials()
            {
                object keys;
                try
                {
                    keys = getCredentials?.Invoke(inner, null);
                }
                catch (TargetInvocationException e)
                {
                    throw new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.AuthenticationError,
                        "The AWSCredentials given with -Credential could not produce keys: " + e.InnerException?.Message, null,
                        "Check the credentials object (Get-AWSCredential), or pass -AccessKey and -SecretKey.");
                }
                string Text(string name) => keys?.GetType().GetProperty(name)?.GetValue(keys) as string;
                var accessKey = Text("AccessKey");
                var secretKey = Text("SecretKey");
                if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
                    throw new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.AuthenticationError,
                        "The AWSCredentials given with -Credential produced no access key and secret.", null,
                        "Check the credentials object (Get-AWSCredential), or pass -AccessKey and -SecretKey.");
                var token = Text("Token");
                return new ImmutableCredentials(accessKey, secretKey, string.IsNullOrEmpty(token) ? null : token);
            }
        }
    }
}
