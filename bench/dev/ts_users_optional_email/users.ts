export interface User {
  id: number;
  name: string;
  email: string;
  admin: boolean;
}

export function displayName(user: User): string {
  return user.admin ? `${user.name} (admin)` : user.name;
}

export function contactLine(user: User): string {
  return `${displayName(user)} <${user.email}>`;
}

export function admins(users: User[]): User[] {
  return users.filter((u) => u.admin);
}
