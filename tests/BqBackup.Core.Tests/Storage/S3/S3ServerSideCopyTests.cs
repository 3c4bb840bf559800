using System;
using BqBackup.Storage;
using BqBackup.Storage.S3;
using Xunit;

namespace BqBackup.Tests.Storage.S3
{
    /// <summary>When the service may copy by itself: one endpoint, one set of credentials; anything else streams.</summary>
    public class S3ServerSideCopyTests
    {
        private static ResolvedS3Settings Settings(Action<ResolvedS3Settings> change = null)
        {
            var s = new ResolvedS3Settings
            {
                EndpointUrl = "http://127.0.0.1:9", Region = "us-east-1", ForcePathStyle = true, CredentialSource = "parameters",
                AccessKey = "AKIAONE", SecretKey = "secret-one", Timeout = TimeSpan.FromSeconds(5),
            };
            change?.Invoke(s);
            return s;
        }

        private static S3Store Store(string destination, ResolvedS3Settings settings) => new S3Store(S3Destination.Parse(destination), settings);

        [Fact]
        public void Same_endpoint_and_credentials_copy_inside_the_service()
        {
            using (var a = Store("s3://bucket/a/", Settings()))
            using (var b = Store("s3://other-bucket/b/", Settings(s => s.EndpointUrl = "http://127.0.0.1:9/")))
                Assert.True(S3ServerSideCopy.IsPossible(a, b));
        }

        [Theory]
        [InlineData("endpoint")]
        [InlineData("access key")]
        [InlineData("secret")]
        [InlineData("session token")]
        [InlineData("profile")]
        public void Another_endpoint_or_other_credentials_stream_through_this_machine(string differing)
        {
            var other = Settings(s =>
            {
                switch (differing)
                {
                    case "endpoint": s.EndpointUrl = "http://127.0.0.2:9"; break;
                    case "access key": s.AccessKey = "AKIATWO"; break;
                    case "secret": s.SecretKey = "secret-two"; break;
                    case "session token": s.SessionToken = "token"; break;
                    default: s.ProfileName = "offsite"; break;
                }
            });
            using (var a = Store("s3://bucket/a/", Settings()))
            using (var b = Store("s3://bucket/b/", other))
                Assert.False(S3ServerSideCopy.IsPossible(a, b));
        }

        [Fact]
        public void A_folder_on_either_side_streams()
        {
            using (var temp = new TempDir())
            using (var folder = new FolderStore(temp.Path, create: false))
            using (var s3 = Store("s3://bucket/a/", Settings()))
            {
                Assert.False(S3ServerSideCopy.IsPossible(folder, s3));
                Assert.False(S3ServerSideCopy.IsPossible(s3, folder));
            }
        }
    }
}
