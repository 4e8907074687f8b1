import * as path from 'node:path';

/**
 * The contract between the sample app in sample-app/ (its Dockerfile and server.js), the
 * ECS service that runs it and the lab guides that build it. The tests hold the Dockerfile
 * and the server to these values, so the guides can quote them.
 */

/** Folder of the sample app: the Docker build context. */
export const SAMPLE_APP_DIR = path.join(__dirname, '..', '..', 'sample-app');

/**
 * Base image of the sample app and the image the ECS service runs before anything is pushed:
 * Node.js 22 LTS, pinned, from the ECR Public copy of the Docker official image (Docker Hub
 * limits anonymous pulls; ECR Public does not for this). Published for amd64 and arm64.
 */
export const NODE_BASE_IMAGE = 'public.ecr.aws/docker/library/node:22.22.2-bookworm-slim';

/** Port the app listens on: above 1024 because the container runs as a non-root user. */
export const SAMPLE_APP_PORT = 8080;
/** Path prefix the load balancer forwards to the app (and the app's BASE_PATH). */
export const SAMPLE_APP_BASE_PATH = '/app';
/** Path the load balancer health-checks; the placeholder answers it too. */
export const SAMPLE_APP_HEALTH_PATH = `${SAMPLE_APP_BASE_PATH}/health`;
/** Unprivileged user of the Node.js images (uid 1000) that the container runs as. */
export const SAMPLE_APP_USER = 'node';

/** Local image name the guides build (`docker build -t class-lab-app:v1`). */
export const SAMPLE_APP_LOCAL_IMAGE = 'class-lab-app';
/** Tag of the first image students build and push. */
export const FIRST_IMAGE_TAG = 'v1';
/** CPU architecture of the Fargate tasks, so the image must be built for it. */
export const SAMPLE_APP_PLATFORM = 'linux/arm64';

/** The exact build command, run from the repository root. */
export function dockerBuildCommand(tag: string = FIRST_IMAGE_TAG): string {
  const versionArg = tag === FIRST_IMAGE_TAG ? '' : ` --build-arg APP_VERSION=${tag}`;
  return `docker build --platform ${SAMPLE_APP_PLATFORM}${versionArg} -t ${SAMPLE_APP_LOCAL_IMAGE}:${tag} sample-app`;
}
