/** Screenshots go to an ignored folder, so `npm test` leaves the tree clean; `npm run screenshots` refreshes docs/. */
export const SHOTS = process.env.SCREENSHOTS_DIR ?? 'test-results/screenshots';
